import { useState } from "react";
import type { TableSummary } from "../../../shared/api";
import { Dialog } from "../../../shared/ui/Dialog";
import { ErrorMessage } from "../../../shared/ui/ErrorMessage";
import { useCreateTable, useUpdateTable } from "../api/tableMutations";
import { useTableDocument } from "../api/tableQueries";
import {
  createTableBody,
  EMPTY_TABLE_FORM,
  ID_TYPES,
  type IdType,
  identifierError,
  type TableForm,
  tableFormFrom,
  updateTableBody,
} from "../tableForm";

interface Props {
  /** The table to edit; null creates one. */
  table: string | null;
  onClose: () => void;
  /** After a save: the table's name now (and before, when it was renamed). */
  onSaved: (name: string, previousName: string | null) => void;
}

/** The "Table" dialog: create a table, or rename it and change its UI name and comment. */
export function TableEditor({ table, onClose, onSaved }: Props) {
  const document = useTableDocument(table);
  if (table !== null && document.data === undefined) {
    return (
      <Dialog title="Table" onClose={onClose}>
        {document.error ? <ErrorMessage error={document.error} /> : <p className="muted">Loading {table}…</p>}
      </Dialog>
    );
  }
  const original = document.data ? tableFormFrom(document.data) : null;
  return <TableEditorForm original={original} onClose={onClose} onSaved={onSaved} />;
}

function TableEditorForm({
  original,
  onClose,
  onSaved,
}: {
  original: TableForm | null;
  onClose: () => void;
  onSaved: Props["onSaved"];
}) {
  const [form, setForm] = useState<TableForm>(original ?? EMPTY_TABLE_FORM);
  const [touched, setTouched] = useState(false);
  const create = useCreateTable();
  const update = useUpdateTable(original?.name ?? "");
  const mutation = original === null ? create : update;
  const nameError = identifierError(form.name, "Name");
  const set = <K extends keyof TableForm>(key: K, value: TableForm[K]) => setForm((now) => ({ ...now, [key]: value }));

  const save = () => {
    setTouched(true);
    if (nameError !== null) return;
    const done = (saved: TableSummary) => onSaved(saved.name, original?.name ?? null);
    if (original === null) {
      create.mutate(createTableBody(form), { onSuccess: done });
      return;
    }
    const body = updateTableBody(original, form);
    if (body === null) onClose();
    else update.mutate(body, { onSuccess: done });
  };

  return (
    <Dialog
      title="Table"
      onClose={onClose}
      onSubmit={save}
      submit={{ label: original === null ? "Create table" : "Save table", disabled: mutation.isPending }}
    >
      <label className="field">
        <span>Name</span>
        <input
          value={form.name}
          onChange={(event) => set("name", event.target.value)}
          aria-invalid={touched && nameError !== null}
          autoFocus
        />
      </label>
      {touched && nameError !== null && <p className="field-error">{nameError}</p>}
      <label className="field">
        <span>UI name</span>
        <input value={form.uiName} onChange={(event) => set("uiName", event.target.value)} />
      </label>
      <label className="field">
        <span>Comment</span>
        <textarea
          value={form.comment}
          maxLength={500}
          rows={2}
          onChange={(event) => set("comment", event.target.value)}
        />
      </label>
      <fieldset className="field-group" disabled={original !== null}>
        <legend>ID type{original !== null && " (fixed once created)"}</legend>
        {ID_TYPES.map((type) => (
          <div key={type.value} className="choice">
            <label className="choice">
              <input
                type="radio"
                name="idType"
                value={type.value}
                checked={form.idType === type.value}
                aria-describedby={`id-type-${type.value}`}
                onChange={() => set("idType", type.value as IdType)}
              />
              <span>{type.label}</span>
            </label>
            <small id={`id-type-${type.value}`} className="muted-inline">
              {type.hint}
            </small>
          </div>
        ))}
      </fieldset>
      <label className="choice">
        <input
          type="checkbox"
          checked={form.timestamps}
          disabled={original !== null}
          onChange={(event) => set("timestamps", event.target.checked)}
        />
        <span>Timestamps (created_at, updated_at)</span>
      </label>
      <ErrorMessage error={mutation.error} />
    </Dialog>
  );
}
