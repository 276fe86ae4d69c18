import { type KeyboardEvent, useId, useRef, useState } from "react";
import { applyCompletion, type Completion, completeFormula, sqlWord } from "../formulaCompletion";

interface Props {
  value: string;
  onChange: (value: string) => void;
  /** The table's column names, offered as the expression is typed. */
  columns: readonly string[];
  invalid: boolean;
}

/** The formula's SQL expression, with a list of column (then function) names for the word being typed. */
export function FormulaInput({ value, onChange, columns, invalid }: Props) {
  const listId = useId();
  const ref = useRef<HTMLTextAreaElement>(null);
  const [completion, setCompletion] = useState<Completion | null>(null);
  const [chosen, setChosen] = useState(0);

  const refresh = (text: string, caret: number) => {
    setCompletion(completeFormula(text, caret, columns));
    setChosen(0);
  };

  const accept = (word: string) => {
    const area = ref.current;
    if (completion === null || area === null) return;
    const next = applyCompletion(value, completion, area.selectionStart, sqlWord(word, columns));
    onChange(next.text);
    setCompletion(null);
    requestAnimationFrame(() => {
      area.focus();
      area.setSelectionRange(next.caret, next.caret);
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (completion === null) return;
    const count = completion.suggestions.length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      setChosen((now) => (now + (event.key === "ArrowDown" ? 1 : count - 1)) % count);
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      accept(completion.suggestions[chosen] ?? "");
    } else if (event.key === "Escape") {
      event.preventDefault();
      setCompletion(null);
    }
  };

  const open = completion !== null;
  return (
    <div className="formula-input">
      <label className="field">
        <span>Expression</span>
        <textarea
          ref={ref}
          role="combobox"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={open ? `${listId}-${chosen}` : undefined}
          aria-invalid={invalid}
          className="code"
          rows={3}
          spellCheck={false}
          placeholder="price * quantity"
          value={value}
          onChange={(event) => {
            onChange(event.target.value);
            refresh(event.target.value, event.target.selectionStart);
          }}
          onKeyDown={onKeyDown}
          onBlur={() => setTimeout(() => setCompletion(null), 150)}
        />
      </label>
      {open && (
        // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: the formula's suggestions (WAI-ARIA combobox): the input keeps the focus and points at the option with aria-activedescendant
        <ul id={listId} role="listbox" aria-label="Suggestions" className="suggestions">
          {completion.suggestions.map((word, index) => (
            // biome-ignore lint/a11y/useFocusableInteractive: chosen with the arrows from the input (aria-activedescendant), never focused itself
            <li
              key={word}
              id={`${listId}-${index}`}
              // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: an option of the list box above
              role="option"
              aria-selected={index === chosen}
              onMouseDown={(event) => {
                event.preventDefault();
                accept(word);
              }}
            >
              {word}
              <small className="muted-inline">{columns.includes(word) ? "column" : "function"}</small>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
