import { useEffect } from "react";
import { useTableColumns, useTableNames } from "../api/schemaQueries";
import type { ColumnForm, ColumnFormErrors } from "../columnForm";
import { REFERENTIAL_ACTIONS } from "../fieldTypes";
import type { ReferentialAction } from "../types";
import { FieldError } from "./FieldError";

interface Props {
  form: ColumnForm;
  errors: ColumnFormErrors;
  onChange: (changes: Partial<ColumnForm>) => void;
}

/** A reference's target (table, column), its ON UPDATE / ON DELETE actions and the column shown for it. */
export function ReferenceFields({ form, errors, onChange }: Props) {
  const tables = useTableNames();
  const target = useTableColumns(form.referenceTable || null);
  const columns = target.data ?? [];

  // Choosing a table fills in its key, as the usual target.
  useEffect(() => {
    if (form.referenceTable === "" || form.referenceColumn !== "" || columns.length === 0) return;
    const key = columns.find((column) => column.primary) ?? columns[0];
    if (key) onChange({ referenceColumn: key.name, referenceColumnType: key.metadata?.udtName ?? "" });
  }, [columns, form.referenceTable, form.referenceColumn, onChange]);

  const action = (label: string, key: "onUpdate" | "onDelete") => (
    <label className="field">
      <span>{label}</span>
      <select
        aria-label={label}
        value={form[key]}
        onChange={(event) => onChange({ [key]: event.target.value as ReferentialAction })}
      >
        {REFERENTIAL_ACTIONS.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <fieldset className="field-group">
      <legend>Reference</legend>
      <label className="field">
        <span>Target table</span>
        <select
          aria-label="Target table"
          value={form.referenceTable}
          aria-invalid={errors.referenceTable !== undefined}
          onChange={(event) =>
            onChange({
              referenceTable: event.target.value,
              referenceColumn: "",
              referenceColumnType: "",
              displayColumn: "",
            })
          }
        >
          <option value="">Choose a table…</option>
          {(tables.data ?? []).map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <FieldError message={errors.referenceTable} />
      <label className="field">
        <span>Target column</span>
        <select
          aria-label="Target column"
          value={form.referenceColumn}
          aria-invalid={errors.referenceColumn !== undefined}
          onChange={(event) => {
            const column = columns.find((candidate) => candidate.name === event.target.value);
            onChange({ referenceColumn: event.target.value, referenceColumnType: column?.metadata?.udtName ?? "" });
          }}
        >
          <option value="">Choose a column…</option>
          {columns.map((column) => (
            <option key={column.name} value={column.name}>
              {column.name}
              {column.primary ? " (key)" : ""}
            </option>
          ))}
        </select>
      </label>
      <FieldError message={errors.referenceColumn} />
      <div className="field-row">
        {action("On update", "onUpdate")}
        {action("On delete", "onDelete")}
      </div>
      <label className="field">
        <span>Display column</span>
        <select
          aria-label="Display column"
          value={form.displayColumn}
          onChange={(event) => onChange({ displayColumn: event.target.value })}
        >
          <option value="">(automatic)</option>
          {columns.map((column) => (
            <option key={column.name} value={column.name}>
              {column.name}
            </option>
          ))}
        </select>
      </label>
    </fieldset>
  );
}
