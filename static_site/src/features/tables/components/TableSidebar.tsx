import { useState } from "react";
import { ErrorMessage } from "../../../shared/ui/ErrorMessage";
import { useTables } from "../api/tableQueries";
import { matchTables, tableLabel } from "../matchTables";

interface Props {
  activeTable: string | null;
  onOpen: (table: string) => void;
}

export function TableSidebar({ activeTable, onOpen }: Props) {
  const tables = useTables();
  const [query, setQuery] = useState("");
  const shown = matchTables(tables.data ?? [], query);

  return (
    <nav className="sidebar" aria-label="Tables">
      <h2 className="sidebar-title">Tables</h2>
      <input
        type="search"
        className="sidebar-search"
        aria-label="Search tables"
        placeholder="Search tables"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
      />
      <ErrorMessage error={tables.error} />
      {tables.isPending && <p className="muted">Loading…</p>}
      <ul className="table-list">
        {shown.map((table) => (
          <li key={table.name}>
            <button
              type="button"
              className="table-link"
              aria-current={table.name === activeTable ? "page" : undefined}
              title={table.comment ?? table.name}
              onClick={() => onOpen(table.name)}
            >
              {tableLabel(table)}
              {tableLabel(table) !== table.name && <span className="table-name">{table.name}</span>}
            </button>
          </li>
        ))}
      </ul>
      {tables.isSuccess && shown.length === 0 && <p className="muted">No table matches.</p>}
    </nav>
  );
}
