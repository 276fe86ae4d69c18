import type { ColumnForm, ColumnFormErrors } from "../columnForm";
import { validationKeys } from "../columnForm";
import { FieldError } from "./FieldError";

type Key = keyof ColumnForm;

const INPUTS: Partial<Record<Key, { label: string; type: string; placeholder?: string }>> = {
  minLength: { label: "Min length", type: "number" },
  maxLength: { label: "Max length", type: "number" },
  maxSize: { label: "Max size (bytes)", type: "number" },
  minValue: { label: "Min value", type: "number" },
  maxValue: { label: "Max value", type: "number" },
  minDate: { label: "Min date", type: "datetime-local" },
  maxDate: { label: "Max date", type: "datetime-local" },
  allowedDomains: { label: "Allowed domains", type: "text", placeholder: "example.com, example.org" },
  maxFiles: { label: "Max files", type: "number" },
  maxFileSizeMb: { label: "Max file size (MB)", type: "number" },
  allowedMimeTypes: { label: "Allowed MIME types", type: "text", placeholder: "image/*, application/pdf" },
};

interface Props {
  form: ColumnForm;
  errors: ColumnFormErrors;
  onChange: (changes: Partial<ColumnForm>) => void;
}

/** The type's validation rules (lengths, ranges, sizes, domains, file limits); nothing for types without any. */
export function ValidationFields({ form, errors, onChange }: Props) {
  const keys = validationKeys(form.dataType);
  if (keys.length === 0) return null;
  return (
    <fieldset className="field-group">
      <legend>Validation</legend>
      <div className="field-grid">
        {keys.map((key) => {
          const input = INPUTS[key];
          if (input === undefined) return null;
          return (
            <div key={key}>
              <label className="field">
                <span>{input.label}</span>
                <input
                  type={input.type}
                  value={String(form[key])}
                  placeholder={input.placeholder}
                  aria-invalid={errors[key] !== undefined}
                  onChange={(event) => onChange({ [key]: event.target.value })}
                />
              </label>
              <FieldError message={errors[key]} />
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}
