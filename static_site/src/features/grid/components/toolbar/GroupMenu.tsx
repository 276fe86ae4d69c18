import type { Column } from "../../../../shared/api";
import { canGroupBy } from "../../aggregates";
import { columnTitle } from "../../columns";
import { MAX_GROUP_BY } from "../../layout";

const LEVELS = ["Group by", "Then by", "And then by"];

/** Up to three group columns; the groups and their counts come from the server. */
export function GroupMenu({
  schema,
  groupBy,
  onChange,
}: {
  schema: readonly Column[];
  groupBy: readonly string[];
  onChange: (groupBy: string[]) => void;
}) {
  const groupable = schema.filter(canGroupBy);
  const choose = (level: number, name: string) => {
    const next = [...groupBy.slice(0, level), ...(name === "" ? [] : [name])];
    onChange(next.filter((value, index) => next.indexOf(value) === index).slice(0, MAX_GROUP_BY));
  };
  const levels = Math.min(groupBy.length + 1, MAX_GROUP_BY);
  return (
    <div className="group-menu">
      {Array.from({ length: levels }, (_, level) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: one select per grouping level, keyed by the level
        <label key={level} className="stacked">
          {LEVELS[level]}
          <select
            aria-label={LEVELS[level]}
            value={groupBy[level] ?? ""}
            onChange={(event) => choose(level, event.target.value)}
          >
            <option value="">{level === 0 ? "No grouping" : "None"}</option>
            {groupable
              .filter((column) => column.name === groupBy[level] || !groupBy.slice(0, level).includes(column.name))
              .map((column) => (
                <option key={column.name} value={column.name}>
                  {columnTitle(column)}
                </option>
              ))}
          </select>
        </label>
      ))}
    </div>
  );
}
