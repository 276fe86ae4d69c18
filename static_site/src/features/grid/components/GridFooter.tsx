import type { Column } from "../../../shared/api";
import { AGGREGATE_LABELS, type AggregateKind, footerRequest, formatAggregate } from "../aggregates";
import { columnTitle } from "../columns";
import { useAggregate } from "../hooks/useAggregate";
import { LIVE_TEXT, type LiveState } from "../hooks/useTableFeed";
import type { WhereFilter } from "../listQuery";

interface GridFooterProps {
  table: string;
  columns: readonly Column[];
  aggregates: Readonly<Record<string, AggregateKind>>;
  where: WhereFilter | null;
  search: string;
  rowText: string;
  live: LiveState;
}

/** The status bar: the row count, each column's chosen aggregate (from the server), and the live feed's state. */
export function GridFooter({ table, columns, aggregates, where, search, rowText, live }: GridFooterProps) {
  const built = footerRequest(
    aggregates,
    columns.map((column) => column.name),
    where,
    search,
  );
  const result = useAggregate(table, built?.request ?? null);
  const row = result.data?.rows[0];
  return (
    <footer className="grid-status">
      <span aria-live="polite">{rowText}</span>
      {built !== null && (
        <ul className="footer-aggregates" aria-label="Column summaries">
          {columns.map((column) => {
            const kind = aggregates[column.name];
            const alias = built.aliases[column.name];
            if (kind === undefined || alias === undefined) return null;
            return (
              <li key={column.name}>
                <span className="muted">
                  {columnTitle(column)} · {AGGREGATE_LABELS[kind]}:
                </span>{" "}
                <strong>{result.error ? "error" : row === undefined ? "…" : formatAggregate(kind, row[alias])}</strong>
              </li>
            );
          })}
        </ul>
      )}
      <span className={`live-state live-${live}`}>{LIVE_TEXT[live]}</span>
    </footer>
  );
}
