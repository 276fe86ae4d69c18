import type { ColumnForm, ColumnFormErrors } from "../columnForm";
import { FORMULA_RESULT_TYPES } from "../fieldTypes";
import type { FormulaResultType } from "../types";
import { FieldError } from "./FieldError";
import { FormulaInput } from "./FormulaInput";

interface Props {
  form: ColumnForm;
  errors: ColumnFormErrors;
  onChange: (changes: Partial<ColumnForm>) => void;
  columnNames: readonly string[];
  /** An existing formula keeps its result type and storage (the API asks to recreate the column). */
  fixed: boolean;
}

/** A formula's expression (with completion), its result type and whether it is stored or computed on read. */
export function FormulaFields({ form, errors, onChange, columnNames, fixed }: Props) {
  return (
    <fieldset className="field-group">
      <legend>Formula</legend>
      <FormulaInput
        value={form.formulaExpression}
        onChange={(formulaExpression) => onChange({ formulaExpression })}
        columns={columnNames}
        invalid={errors.formulaExpression !== undefined}
      />
      <FieldError message={errors.formulaExpression} />
      <div className="field-row">
        <label className="field">
          <span>Result type</span>
          <select
            aria-label="Result type"
            value={form.formulaResultType}
            disabled={fixed}
            onChange={(event) => onChange({ formulaResultType: event.target.value as FormulaResultType })}
          >
            {FORMULA_RESULT_TYPES.map((type) => (
              <option key={type.value} value={type.value}>
                {type.label}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="field-inline" disabled={fixed}>
          <legend>Storage</legend>
          {(["stored", "virtual"] as const).map((strategy) => (
            <label key={strategy} className="choice">
              <input
                type="radio"
                name="formulaStrategy"
                checked={form.formulaStrategy === strategy}
                onChange={() => onChange({ formulaStrategy: strategy })}
              />
              <span>{strategy === "stored" ? "Stored" : "Virtual"}</span>
            </label>
          ))}
        </fieldset>
      </div>
    </fieldset>
  );
}
