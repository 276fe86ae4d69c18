import { useCallback, useState } from "react";
import type { FieldType } from "../../../shared/api";
import { Dialog } from "../../../shared/ui/Dialog";
import { ErrorMessage } from "../../../shared/ui/ErrorMessage";
import { useAddColumn, useUpdateColumn } from "../api/schemaQueries";
import {
  type ColumnForm,
  type ColumnFormErrors,
  columnFormFrom,
  columnFormToDefinition,
  EMPTY_COLUMN_FORM,
  withDataType,
} from "../columnForm";
import { FIELD_TYPES } from "../fieldTypes";
import type { ColumnDocument } from "../types";
import { DefaultValueInput } from "./DefaultValueInput";
import { FieldError } from "./FieldError";
import { FormulaFields } from "./FormulaFields";
import { OptionsEditor } from "./OptionsEditor";
import { PresentationFields } from "./PresentationFields";
import { ReferenceFields } from "./ReferenceFields";
import { ValidationFields } from "./ValidationFields";

interface Props {
  table: string;
  /** The column to change; null adds one. */
  column: ColumnDocument | null;
  /** The table's columns, offered while a formula is typed. */
  columnNames: readonly string[];
  onClose: () => void;
}

/** The "Column" dialog: name, type, the type's rules and format, constraints and default. */
export function ColumnEditor({ table, column, columnNames, onClose }: Props) {
  const [form, setForm] = useState<ColumnForm>(() => (column ? columnFormFrom(column) : EMPTY_COLUMN_FORM));
  const [errors, setErrors] = useState<ColumnFormErrors>({});
  const add = useAddColumn(table);
  const update = useUpdateColumn(table);
  const mutation = column === null ? add : update;
  const change = useCallback((changes: Partial<ColumnForm>) => setForm((now) => ({ ...now, ...changes })), []);

  const save = () => {
    const { definition, errors: found } = columnFormToDefinition(form);
    setErrors(found);
    if (definition === null) return;
    if (column === null) add.mutate(definition, { onSuccess: onClose });
    else update.mutate({ column: column.name, definition }, { onSuccess: onClose });
  };

  const isChoice = form.dataType === "select" || form.dataType === "multi-select";
  return (
    <Dialog
      title="Column"
      wide
      onClose={onClose}
      onSubmit={save}
      submit={{ label: "Save column", disabled: mutation.isPending }}
    >
      <div className="field-row">
        <label className="field">
          <span>Name</span>
          <input
            value={form.name}
            autoFocus
            aria-invalid={errors.name !== undefined}
            onChange={(event) => change({ name: event.target.value })}
          />
        </label>
        <label className="field">
          <span>UI name</span>
          <input value={form.uiName} onChange={(event) => change({ uiName: event.target.value })} />
        </label>
      </div>
      <FieldError message={errors.name} />
      <label className="field">
        <span>Comment</span>
        <input value={form.comment} maxLength={500} onChange={(event) => change({ comment: event.target.value })} />
      </label>
      <label className="field">
        <span>Type</span>
        <select
          aria-label="Type"
          value={form.dataType}
          onChange={(event) => setForm((now) => withDataType(now, event.target.value as FieldType))}
        >
          {FIELD_TYPES.map((type) => (
            <option key={type.value} value={type.value}>
              {type.label}
            </option>
          ))}
        </select>
      </label>
      {isChoice && <OptionsEditor options={form.options} onChange={(options) => change({ options })} />}
      {isChoice && <FieldError message={errors.options} />}
      {form.dataType === "reference" && <ReferenceFields form={form} errors={errors} onChange={change} />}
      {form.dataType === "formula" && (
        <FormulaFields
          form={form}
          errors={errors}
          onChange={change}
          columnNames={columnNames.filter((name) => name !== column?.name)}
          fixed={column?.dataType === "formula"}
        />
      )}
      <ValidationFields form={form} errors={errors} onChange={change} />
      <PresentationFields form={form} onChange={change} />
      <fieldset className="field-group">
        <legend>Constraints</legend>
        <div className="field-row">
          <label className="choice">
            <input
              type="checkbox"
              checked={form.nullable}
              onChange={(event) => change({ nullable: event.target.checked })}
            />
            <span>Nullable</span>
          </label>
          <label className="choice">
            <input
              type="checkbox"
              checked={form.unique}
              onChange={(event) => change({ unique: event.target.checked })}
            />
            <span>Unique</span>
          </label>
        </div>
      </fieldset>
      <DefaultValueInput form={form} error={errors.defaultValue} onChange={change} />
      <ErrorMessage error={mutation.error} />
    </Dialog>
  );
}
