import type { ReactNode } from "react";
import { type ColumnForm, hasDefault } from "../columnForm";
import { FieldError } from "./FieldError";

interface Props {
  form: ColumnForm;
  error: string | undefined;
  onChange: (changes: Partial<ColumnForm>) => void;
}

const INPUT_TYPE: Partial<Record<ColumnForm["dataType"], string>> = {
  integer: "number",
  number: "number",
  date: "datetime-local",
  email: "email",
  url: "url",
};

/** The default through the type's own input: a checkbox's yes/no, a select's options, a date picker… */
export function DefaultValueInput({ form, error, onChange }: Props) {
  if (!hasDefault(form.dataType)) return null;
  const options = form.options.map((option) => option.trim()).filter((option) => option !== "");
  const set = (defaultValue: string) => onChange({ defaultValue });

  let input: ReactNode;
  switch (form.dataType) {
    case "checkbox":
      input = (
        <select aria-label="Default value" value={form.defaultValue} onChange={(event) => set(event.target.value)}>
          <option value="">(none)</option>
          <option value="true">Checked</option>
          <option value="false">Unchecked</option>
        </select>
      );
      break;
    case "select":
      input = (
        <select aria-label="Default value" value={form.defaultValue} onChange={(event) => set(event.target.value)}>
          <option value="">(none)</option>
          {options.map((option) => (
            <option key={option}>{option}</option>
          ))}
        </select>
      );
      break;
    case "multi-select":
      return (
        <fieldset className="field-group">
          <legend>Default value</legend>
          {options.length === 0 && <p className="muted-inline">Add options first.</p>}
          {options.map((option) => (
            <label key={option} className="choice">
              <input
                type="checkbox"
                checked={form.defaultValues.includes(option)}
                onChange={(event) =>
                  onChange({
                    defaultValues: event.target.checked
                      ? [...form.defaultValues, option]
                      : form.defaultValues.filter((value) => value !== option),
                  })
                }
              />
              <span>{option}</span>
            </label>
          ))}
        </fieldset>
      );
    case "long-text":
    case "json":
      input = (
        <textarea
          rows={3}
          className={form.dataType === "json" ? "code" : undefined}
          value={form.defaultValue}
          aria-invalid={error !== undefined}
          onChange={(event) => set(event.target.value)}
        />
      );
      break;
    default:
      input = (
        <input
          type={INPUT_TYPE[form.dataType] ?? "text"}
          step={form.dataType === "number" ? "any" : undefined}
          placeholder={form.dataType === "geo-point" ? "x, y" : undefined}
          value={form.defaultValue}
          aria-invalid={error !== undefined}
          onChange={(event) => set(event.target.value)}
        />
      );
  }
  return (
    <div>
      {/* biome-ignore lint/a11y/noLabelWithoutControl: the control is `input`, made above for the column's type */}
      <label className="field">
        <span>Default value</span>
        {input}
      </label>
      <FieldError message={error} />
    </div>
  );
}
