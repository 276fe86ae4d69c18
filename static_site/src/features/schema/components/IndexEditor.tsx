import { useState } from "react";
import { Dialog } from "../../../shared/ui/Dialog";
import { ErrorMessage } from "../../../shared/ui/ErrorMessage";
import { useCreateIndex, useTableColumns, useTableNames } from "../api/schemaQueries";
import { EMPTY_INDEX_FORM, INDEX_METHODS, type IndexForm, indexBody, suggestIndexName } from "../indexForm";
import type { IndexMethod } from "../types";
import { FieldError } from "./FieldError";

/** The "Index" dialog: name, table, columns (in the order chosen), unique, method. */
export function IndexEditor({ initialTable, onClose }: { initialTable: string | null; onClose: () => void }) {
  const [form, setForm] = useState<IndexForm>({ ...EMPTY_INDEX_FORM, tableName: initialTable ?? "" });
  const [error, setError] = useState<string | undefined>();
  const tables = useTableNames();
  const columns = useTableColumns(form.tableName || null);
  const create = useCreateIndex();
  const change = (changes: Partial<IndexForm>) => setForm((now) => ({ ...now, ...changes }));

  const save = () => {
    const result = indexBody(form);
    if ("error" in result) {
      setError(result.error);
      return;
    }
    setError(undefined);
    create.mutate(result.body, { onSuccess: onClose });
  };

  const toggle = (column: string, on: boolean) =>
    change({ columnNames: on ? [...form.columnNames, column] : form.columnNames.filter((name) => name !== column) });

  return (
    <Dialog
      title="Index"
      onClose={onClose}
      onSubmit={save}
      submit={{ label: "Create index", disabled: create.isPending }}
    >
      <label className="field">
        <span>Name</span>
        <input
          value={form.name}
          placeholder={suggestIndexName(form.tableName, form.columnNames) || "people_email_idx"}
          onChange={(event) => change({ name: event.target.value })}
        />
      </label>
      <label className="field">
        <span>Table</span>
        <select
          aria-label="Table"
          value={form.tableName}
          onChange={(event) => change({ tableName: event.target.value, columnNames: [] })}
        >
          <option value="">Choose a table…</option>
          {(tables.data ?? []).map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
      </label>
      <fieldset className="field-group">
        <legend>Columns</legend>
        {form.tableName === "" && <p className="muted-inline">Choose a table first.</p>}
        <div className="checkbox-grid">
          {(columns.data ?? []).map((column) => {
            const position = form.columnNames.indexOf(column.name);
            return (
              <label key={column.name} className="choice">
                <input
                  type="checkbox"
                  checked={position >= 0}
                  onChange={(event) => toggle(column.name, event.target.checked)}
                />
                <span>
                  {column.name}
                  {position >= 0 && form.columnNames.length > 1 && (
                    <small className="muted-inline"> #{position + 1}</small>
                  )}
                </span>
              </label>
            );
          })}
        </div>
      </fieldset>
      <div className="field-row">
        <label className="field">
          <span>Method</span>
          <select
            aria-label="Method"
            value={form.type}
            onChange={(event) => change({ type: event.target.value as IndexMethod })}
          >
            {INDEX_METHODS.map((method) => (
              <option key={method}>{method}</option>
            ))}
          </select>
        </label>
        <label className="choice">
          <input type="checkbox" checked={form.unique} onChange={(event) => change({ unique: event.target.checked })} />
          <span>Unique</span>
        </label>
      </div>
      <FieldError message={error} />
      <ErrorMessage error={create.error} />
    </Dialog>
  );
}
