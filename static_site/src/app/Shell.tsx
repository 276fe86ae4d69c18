import { lazy, Suspense } from "react";
import { TableSidebar, TableTabs, useTableDocument } from "../features/tables";
import { ErrorMessage } from "../shared/ui/ErrorMessage";
import { useTableTabs } from "./useTableTabs";

// The grid and Glide Data Grid load after sign-in, in a chunk of their own.
const TableGrid = lazy(() => import("../features/grid").then((module) => ({ default: module.TableGrid })));

export function Shell({ apiUrl, onSignOut }: { apiUrl: string; onSignOut: () => void }) {
  const tabs = useTableTabs();
  const table = useTableDocument(tabs.active);

  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">PolarBase</span>
        <TableTabs tabs={tabs.tabs} activeTable={tabs.active} onSelect={tabs.open} onClose={tabs.close} />
        <a className="topbar-link" href={`${apiUrl}/rest/openapi`} target="_blank" rel="noopener noreferrer">
          API docs
        </a>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <TableSidebar activeTable={tabs.active} onOpen={tabs.open} />
      <main className="workspace">
        {tabs.active === null ? (
          <p className="empty-state">Choose a table in the sidebar to open it.</p>
        ) : table.error ? (
          <ErrorMessage error={table.error} />
        ) : table.data === undefined ? (
          <p className="muted">Loading {tabs.active}…</p>
        ) : (
          <Suspense fallback={<p className="muted">Loading the grid…</p>}>
            <TableGrid key={table.data.name} table={table.data} />
          </Suspense>
        )}
      </main>
    </div>
  );
}
