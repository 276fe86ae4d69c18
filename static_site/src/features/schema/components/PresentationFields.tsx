import { type ColumnForm, formatKind } from "../columnForm";
import { CURRENCIES, DATE_FORMATS, NUMBER_FORMATS } from "../fieldTypes";

interface Props {
  form: ColumnForm;
  onChange: (changes: Partial<ColumnForm>) => void;
}

/** How values show: a number format (and currency) or a date format (and time); by type or formula result. */
export function PresentationFields({ form, onChange }: Props) {
  const kind = formatKind(form);
  if (kind === null) return null;
  return (
    <fieldset className="field-group">
      <legend>Format</legend>
      {kind === "number" ? (
        <div className="field-row">
          <label className="field">
            <span>Number format</span>
            <select
              aria-label="Number format"
              value={form.numberFormat}
              onChange={(event) => onChange({ numberFormat: event.target.value as ColumnForm["numberFormat"] })}
            >
              {NUMBER_FORMATS.map((format) => (
                <option key={format.value} value={format.value}>
                  {format.label}
                </option>
              ))}
            </select>
          </label>
          {form.numberFormat === "currency" && (
            <label className="field">
              <span>Currency</span>
              <select
                aria-label="Currency"
                value={form.currency}
                onChange={(event) => onChange({ currency: event.target.value })}
              >
                {CURRENCIES.map((currency) => (
                  <option key={currency}>{currency}</option>
                ))}
              </select>
            </label>
          )}
        </div>
      ) : (
        <div className="field-row">
          <label className="field">
            <span>Date format</span>
            <select
              aria-label="Date format"
              value={form.dateFormat}
              onChange={(event) => onChange({ dateFormat: event.target.value })}
            >
              <option value="">(default)</option>
              {DATE_FORMATS.map((format) => (
                <option key={format}>{format}</option>
              ))}
            </select>
          </label>
          <label className="choice">
            <input
              type="checkbox"
              checked={form.showTime}
              onChange={(event) => onChange({ showTime: event.target.checked })}
            />
            <span>Show time</span>
          </label>
        </div>
      )}
    </fieldset>
  );
}
