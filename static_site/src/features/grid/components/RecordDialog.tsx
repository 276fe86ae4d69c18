import { useState } from "react";
import type { RecordRow } from "../../../shared/api";
import { Dialog } from "../../../shared/ui/Dialog";
import { ErrorMessage } from "../../../shared/ui/ErrorMessage";
import { displayText, isEditable } from "../cells";
import { columnTitle } from "../columns";
import type { Field } from "../editing/fields";
import { ValueEditor } from "./editors/ValueEditor";

interface Props {
  table: string;
  schema: readonly Field[];
  primaryKey: string;
  /** The record to edit, or null for a new one. */
  row: RecordRow | null;
  onClose: () => void;
  /** Saves the changed values (all of them for a new record); resolves false when the server refused. */
  onSave: (changes: RecordRow) => Promise<boolean>;
  pending: boolean;
  error: unknown;
}

/** A record as a form: every column with its type's editor; keys and database-set values read-only. */
export function RecordDialog({ table, schema, primaryKey, row, onClose, onSave, pending, error }: Props) {
  const [values, setValues] = useState<RecordRow>(() => ({ ...(row ?? {}) }));
  const [changed, setChanged] = useState<ReadonlySet<string>>(new Set());
  const editable = schema.filter((column) => isEditable(column, primaryKey));
  // Required columns first, as the original's record drawer does.
  const ordered = [...schema].sort((a, b) => rank(a, editable) - rank(b, editable));

  const save = async () => {
    const changes: RecordRow = {};
    for (const name of changed) changes[name] = values[name] ?? null;
    if (row !== null && changed.size === 0) return onClose();
    if (await onSave(changes)) onClose();
  };

  return (
    <Dialog
      title={row === null ? "New record" : "Record"}
      onClose={onClose}
      onSubmit={() => void save()}
      wide
      footer={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={pending}>
            Save record
          </button>
        </>
      }
    >
      <div className="record-form">
        {ordered.map((column) => {
          const title = columnTitle(column);
          const writable = editable.includes(column);
          return (
            <div key={column.name} className="record-field">
              <span className="record-label" id={`record-${column.name}`}>
                {title}
                {writable && !column.nullable && <span aria-hidden="true"> *</span>}
                <small className="muted"> {column.dataType}</small>
              </span>
              {writable ? (
                <ValueEditor
                  field={column}
                  label={title}
                  value={values[column.name] ?? null}
                  table={table}
                  onChange={(value) => {
                    setValues((current) => ({ ...current, [column.name]: value }));
                    setChanged((current) => new Set(current).add(column.name));
                  }}
                />
              ) : (
                <output aria-labelledby={`record-${column.name}`} className="record-readonly">
                  {row === null ? "(set by the database)" : displayText(column, row[column.name], row) || "—"}
                </output>
              )}
            </div>
          );
        })}
      </div>
      <ErrorMessage error={error} />
    </Dialog>
  );
}

function rank(column: Field, editable: readonly Field[]): number {
  if (!editable.includes(column)) return 2;
  return column.nullable ? 1 : 0;
}
