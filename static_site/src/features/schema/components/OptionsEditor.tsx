import { useRef } from "react";

/** The choices of a select or multi-select column: one input per option, added and removed in place. */
export function OptionsEditor({ options, onChange }: { options: string[]; onChange: (options: string[]) => void }) {
  const list = useRef<HTMLUListElement>(null);
  const set = (index: number, value: string) => onChange(options.map((option, at) => (at === index ? value : option)));

  const add = () => {
    onChange([...options, ""]);
    requestAnimationFrame(() => list.current?.querySelector<HTMLInputElement>("li:last-child input")?.focus());
  };

  return (
    <fieldset className="field-group">
      <legend>Options</legend>
      <ul ref={list} className="options-list">
        {options.map((option, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: options are edited in place and may repeat while typed; the position is the option
          <li key={index}>
            <input
              aria-label={`Option ${index + 1}`}
              value={option}
              onChange={(event) => set(index, event.target.value)}
              onKeyDown={(event) => {
                if (event.key === "Enter") {
                  event.preventDefault();
                  add();
                }
              }}
            />
            <button
              type="button"
              className="icon-button"
              aria-label={`Remove option ${index + 1}`}
              onClick={() => onChange(options.filter((_, at) => at !== index))}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <button type="button" className="small" onClick={add}>
        Add option
      </button>
    </fieldset>
  );
}
