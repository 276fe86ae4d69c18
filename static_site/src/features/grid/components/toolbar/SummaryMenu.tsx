import type { Column } from "../../../../shared/api";
import { AGGREGATE_LABELS, type AggregateKind, aggregatesFor } from "../../aggregates";
import { columnTitle } from "../../columns";

/** The footer's aggregate per column (count, filled, unique, sum, average, min, max), computed by the server. */
export function SummaryMenu({
  columns,
  aggregates,
  onChange,
}: {
  columns: readonly Column[];
  aggregates: Readonly<Record<string, AggregateKind>>;
  onChange: (aggregates: Record<string, AggregateKind>) => void;
}) {
  const choose = (column: string, kind: string) => {
    const next = { ...aggregates };
    if (kind === "") delete next[column];
    else next[column] = kind as AggregateKind;
    onChange(next);
  };
  return (
    <div className="summary-menu">
      {columns.map((column) => (
        <label key={column.name} className="summary-row">
          <span>{columnTitle(column)}</span>
          <select
            aria-label={columnTitle(column)}
            value={aggregates[column.name] ?? ""}
            onChange={(event) => choose(column.name, event.target.value)}
          >
            <option value="">None</option>
            {aggregatesFor(column).map((kind) => (
              <option key={kind} value={kind}>
                {AGGREGATE_LABELS[kind]}
              </option>
            ))}
          </select>
        </label>
      ))}
    </div>
  );
}
