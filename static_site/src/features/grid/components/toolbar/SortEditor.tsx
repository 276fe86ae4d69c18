import type { Column } from "../../../../shared/api";
import { columnTitle } from "../../columns";
import type { SortSpec } from "../../listQuery";

/** Sorts on several columns, in order of precedence (the primary key breaks the last ties on the server). */
export function SortEditor({
  schema,
  sort,
  onChange,
}: {
  schema: readonly Column[];
  sort: readonly SortSpec[];
  onChange: (sort: SortSpec[]) => void;
}) {
  const unused = schema.filter((column) => !sort.some((spec) => spec.column === column.name));
  const replace = (index: number, spec: SortSpec) => onChange(sort.map((old, at) => (at === index ? spec : old)));
  return (
    <div className="sort-editor">
      {sort.length === 0 && <p className="muted small">No sort: the table's own order.</p>}
      {sort.map((spec, index) => (
        <div key={spec.column} role="group" aria-label={`Sort level ${index + 1}`} className="sort-row">
          <span className="muted small">{index === 0 ? "Sort by" : "then by"}</span>
          <select
            aria-label="Sort column"
            value={spec.column}
            onChange={(event) => replace(index, { ...spec, column: event.target.value })}
          >
            {schema
              .filter((column) => column.name === spec.column || unused.includes(column))
              .map((column) => (
                <option key={column.name} value={column.name}>
                  {columnTitle(column)}
                </option>
              ))}
          </select>
          <select
            aria-label="Direction"
            value={spec.direction}
            onChange={(event) => replace(index, { ...spec, direction: event.target.value === "desc" ? "desc" : "asc" })}
          >
            <option value="asc">Ascending</option>
            <option value="desc">Descending</option>
          </select>
          <button
            type="button"
            className="link-button"
            aria-label="Remove sort"
            onClick={() => onChange(sort.filter((_, at) => at !== index))}
          >
            ×
          </button>
        </div>
      ))}
      <button
        type="button"
        disabled={unused.length === 0}
        onClick={() => {
          const next = unused[0];
          if (next !== undefined) onChange([...sort, { column: next.name, direction: "asc" }]);
        }}
      >
        Add sort
      </button>
    </div>
  );
}
