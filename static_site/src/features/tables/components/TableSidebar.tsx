import { useState } from "react";
import { ErrorMessage } from "../../../shared/ui/ErrorMessage";
import { PencilIcon, TrashIcon } from "../../../shared/ui/icons";
import { useTables } from "../api/tableQueries";
import { matchTables, tableLabel } from "../matchTables";

interface Props {
  activeTable: string | null;
  onOpen: (table: string) => void;
  onCreate: () => void;
  onEdit: (table: string) => void;
  onDelete: (table: string) => void;
}

export function TableSidebar({ activeTable, onOpen, onCreate, onEdit, onDelete }: Props) {
  const tables = useTables();
  const [query, setQuery] = useState("");
  const shown = matchTables(tables.data ?? [], query);

  return (
    <nav className="sidebar" aria-label="Tables">
      <div className="sidebar-head">
        <h2 className="sidebar-title">Tables</h2>
        <button type="button" className="small primary" onClick={onCreate}>
          New table
        </button>
      </div>
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
          <li key={table.name} className="table-item" aria-label={tableLabel(table)}>
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
            <span className="table-actions">
              <button
                type="button"
                className="icon-button"
                aria-label="Edit table"
                title={`Edit table ${table.name}`}
                onClick={() => onEdit(table.name)}
              >
                <PencilIcon />
              </button>
              <button
                type="button"
                className="icon-button"
                aria-label="Delete table"
                title={`Delete table ${table.name}`}
                onClick={() => onDelete(table.name)}
              >
                <TrashIcon />
              </button>
            </span>
          </li>
        ))}
      </ul>
      {tables.isSuccess && shown.length === 0 && <p className="muted">No table matches.</p>}
    </nav>
  );
}
