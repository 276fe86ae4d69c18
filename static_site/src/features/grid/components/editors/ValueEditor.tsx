import { useState } from "react";
import { coerceText, copyText } from "../../editing/coerce";
import { dateFormatOf, fromInputValue, toInputValue } from "../../editing/dates";
import type { Field } from "../../editing/fields";
import { AttachmentEditor } from "./AttachmentEditor";
import { GeoPointEditor } from "./GeoPointEditor";
import { ReferencePicker } from "./ReferencePicker";

export interface ValueEditorProps {
  field: Field;
  /** The accessible name of the editor (the column's title). */
  label: string;
  value: unknown;
  onChange: (value: unknown) => void;
  /** Text that was typed into the cell to start editing. */
  initialText?: string | undefined;
  autoFocus?: boolean;
  /** The table, for uploads checked against the column's rules. */
  table: string;
}

/** One editor per field type, for a cell's overlay and for the record form. */
export function ValueEditor(props: ValueEditorProps) {
  const { field, label, value, onChange, autoFocus } = props;
  switch (field.dataType) {
    case "long-text":
      return (
        <textarea
          aria-label={label}
          className="value-textarea"
          rows={6}
          autoFocus={autoFocus}
          value={typeof value === "string" ? value : ""}
          onChange={(event) => onChange(event.target.value === "" && field.nullable ? null : event.target.value)}
        />
      );
    case "json":
      return <JsonEditor {...props} />;
    case "date": {
      const { showTime } = dateFormatOf(field);
      return (
        <input
          aria-label={label}
          type={showTime ? "datetime-local" : "date"}
          autoFocus={autoFocus}
          value={toInputValue(value, showTime)}
          onChange={(event) => onChange(fromInputValue(event.target.value, showTime))}
        />
      );
    }
    case "select":
      return (
        <select
          aria-label={label}
          autoFocus={autoFocus}
          value={typeof value === "string" ? value : ""}
          onChange={(event) => onChange(event.target.value === "" ? null : event.target.value)}
        >
          <option value="">(none)</option>
          {(field.options ?? []).map((option) => (
            <option key={option}>{option}</option>
          ))}
        </select>
      );
    case "multi-select": {
      const chosen = Array.isArray(value) ? value.map(String) : [];
      return (
        <fieldset className="choice-list" aria-label={label}>
          {(field.options ?? []).map((option, index) => (
            <label key={option} className="choice">
              <input
                type="checkbox"
                autoFocus={autoFocus === true && index === 0}
                checked={chosen.includes(option)}
                onChange={(event) =>
                  onChange(
                    event.target.checked
                      ? (field.options ?? []).filter((item) => item === option || chosen.includes(item))
                      : chosen.filter((item) => item !== option),
                  )
                }
              />
              <span className="chip">{option}</span>
            </label>
          ))}
        </fieldset>
      );
    }
    case "geo-point":
      return <GeoPointEditor label={label} value={value} onChange={onChange} autoFocus={autoFocus} />;
    case "reference":
      return (
        <ReferencePicker field={field} label={label} value={value} onChange={onChange} autoFocus={autoFocus === true} />
      );
    case "attachment":
      return <AttachmentEditor field={field} label={label} value={value} onChange={onChange} table={props.table} />;
    case "checkbox":
      return (
        <input
          type="checkbox"
          aria-label={label}
          autoFocus={autoFocus}
          checked={value === true}
          onChange={(event) => onChange(event.target.checked)}
        />
      );
    case "integer":
    case "number":
      return <CoercedInput {...props} type="number" />;
    default:
      return (
        <CoercedInput
          {...props}
          type={field.dataType === "email" ? "email" : field.dataType === "url" ? "url" : "text"}
        />
      );
  }
}

/** A text or number input whose text becomes the column's value (or shows why it cannot). */
function CoercedInput({ field, label, value, onChange, autoFocus, type }: ValueEditorProps & { type: string }) {
  const [text, setText] = useState(() => copyText(field, value));
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="value-input">
      <input
        aria-label={label}
        type={type}
        step={type === "number" ? "any" : undefined}
        autoFocus={autoFocus}
        value={text}
        aria-invalid={error !== null}
        onChange={(event) => {
          setText(event.target.value);
          const coerced = coerceText(field, event.target.value);
          setError(coerced.ok ? null : coerced.error);
          if (coerced.ok) onChange(coerced.value);
        }}
      />
      {error && <small className="field-error">{error}</small>}
    </span>
  );
}

function JsonEditor({ field, label, value, onChange, autoFocus, initialText }: ValueEditorProps) {
  const [text, setText] = useState(
    () => initialText ?? (value === null || value === undefined ? "" : JSON.stringify(value, null, 2)),
  );
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="value-input">
      <textarea
        aria-label={label}
        className="value-textarea code"
        rows={8}
        autoFocus={autoFocus}
        value={text}
        aria-invalid={error !== null}
        spellCheck={false}
        onChange={(event) => {
          setText(event.target.value);
          const coerced = coerceText(field, event.target.value);
          setError(coerced.ok ? null : coerced.error);
          if (coerced.ok) onChange(coerced.value);
        }}
      />
      {error && (
        <small className="field-error" role="status">
          {error}
        </small>
      )}
    </span>
  );
}
