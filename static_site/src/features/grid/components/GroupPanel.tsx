import type { Column } from "../../../shared/api";
import { ErrorMessage } from "../../../shared/ui/ErrorMessage";
import { type GroupRow, groupRequest, MAX_GROUPS, readGroups } from "../aggregates";
import { displayText } from "../cells";
import { columnTitle } from "../columns";
import { useAggregate } from "../hooks/useAggregate";
import type { WhereFilter } from "../listQuery";

interface GroupPanelProps {
  table: string;
  schema: readonly Column[];
  groupBy: readonly string[];
  where: WhereFilter | null;
  search: string;
  selected: readonly unknown[] | null;
  onSelect: (values: unknown[] | null) => void;
}

/** The groups (up to three columns) with their counts, from the server; opening one shows its records. */
export function GroupPanel({ table, schema, groupBy, where, search, selected, onSelect }: GroupPanelProps) {
  const groups = useAggregate(table, groupRequest(groupBy, where, search));
  const rows = readGroups(groups.data?.rows ?? [], groupBy);
  const titles = groupBy.map((name) => {
    const column = schema.find((candidate) => candidate.name === name);
    return column === undefined ? name : columnTitle(column);
  });
  const total = rows.reduce((sum, row) => sum + row.count, 0);
  const isOpen = (row: GroupRow) => selected !== null && JSON.stringify(selected) === JSON.stringify(row.values);

  return (
    <nav className="group-panel" aria-label="Groups">
      <p className="group-heading">Grouped by {titles.join(" › ")}</p>
      <ErrorMessage error={groups.error} />
      <button type="button" className="group-row" aria-pressed={selected === null} onClick={() => onSelect(null)}>
        <span>All records</span>
        <span className="group-count">{total.toLocaleString("en")}</span>
      </button>
      <ul>
        {rows.map((row) => (
          <li key={JSON.stringify(row.values)}>
            <button
              type="button"
              className="group-row"
              aria-expanded={isOpen(row)}
              onClick={() => onSelect(isOpen(row) ? null : row.values)}
            >
              <span>
                {row.values.map((value, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a group's values are by level: the index is the level
                  <span key={index} className="group-value" data-level={index}>
                    {groupLabel(schema, groupBy[index], value)}
                  </span>
                ))}
              </span>
              <span className="group-count">{row.count.toLocaleString("en")}</span>
            </button>
          </li>
        ))}
      </ul>
      {rows.length >= MAX_GROUPS && <p className="muted small">The first {MAX_GROUPS} groups are shown.</p>}
      {groups.isPending && <p className="muted small">Counting…</p>}
    </nav>
  );
}

function groupLabel(schema: readonly Column[], name: string | undefined, value: unknown): string {
  const column = schema.find((candidate) => candidate.name === name);
  if (value === null || value === undefined) return "(empty)";
  return column === undefined ? String(value) : displayText(column, value) || "(empty)";
}
