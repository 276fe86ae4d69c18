import { lazy, type MouseEvent, Suspense, useState } from "react";
import { ApiKeysPage } from "../features/keys";
import { ColumnsPanel, IndexesPage } from "../features/schema";
import { DeleteTableDialog, TableEditor, TableSidebar, TableTabs, useTableDocument } from "../features/tables";
import type { TableDocument } from "../shared/api";
import { ErrorMessage } from "../shared/ui/ErrorMessage";
import { ThemeToggle } from "../shared/ui/themeHooks";
import { type StudioPage, urlWithPage } from "./tableUrl";
import { useTableTabs } from "./useTableTabs";

// The views (the grid with Glide Data Grid, the calendar, timeline and map) load after sign-in, in chunks of their own.
const TableViews = lazy(() => import("./TableViews").then((module) => ({ default: module.TableViews })));
const RelationsPage = lazy(() => import("../features/relations").then((module) => ({ default: module.RelationsPage })));

const gridKey = (table: TableDocument) => `${table.name}(${table.schema.map((column) => column.name).join(",")})`;

type TableDialog = { kind: "create" } | { kind: "edit"; table: string } | { kind: "delete"; table: string } | null;

export function Shell({ apiUrl, onSignOut }: { apiUrl: string; onSignOut: () => void }) {
  const tabs = useTableTabs();
  const table = useTableDocument(tabs.page === null ? tabs.active : null);
  const [dialog, setDialog] = useState<TableDialog>(null);
  const [columnsOpen, setColumnsOpen] = useState(false);

  const pageLink = (page: StudioPage, label: string) => (
    <a
      className="topbar-link"
      href={urlWithPage(window.location.href, page)}
      aria-current={tabs.page === page ? "page" : undefined}
      onClick={(event: MouseEvent) => {
        event.preventDefault();
        tabs.showPage(page);
      }}
    >
      {label}
    </a>
  );

  const onTable = tabs.page === null && tabs.active !== null;
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">PolarBase</span>
        <TableTabs
          tabs={tabs.tabs}
          activeTable={tabs.page === null ? tabs.active : null}
          onSelect={tabs.open}
          onClose={tabs.close}
        />
        <span className="topbar-end">
          {onTable && (
            <button type="button" aria-pressed={columnsOpen} onClick={() => setColumnsOpen((open) => !open)}>
              Columns
            </button>
          )}
          {pageLink("indexes", "Indexes")}
          {pageLink("api-keys", "API keys")}
          {pageLink("relations", "Relations")}
          <ThemeToggle />
          <a className="topbar-link" href={`${apiUrl}/rest/openapi`} target="_blank" rel="noopener noreferrer">
            API docs
          </a>
          <button type="button" onClick={onSignOut}>
            Sign out
          </button>
        </span>
      </header>
      <TableSidebar
        activeTable={tabs.page === null ? tabs.active : null}
        onOpen={tabs.open}
        onCreate={() => setDialog({ kind: "create" })}
        onEdit={(name) => setDialog({ kind: "edit", table: name })}
        onDelete={(name) => setDialog({ kind: "delete", table: name })}
      />
      <main className="workspace">
        <Suspense fallback={<p className="muted">Loading…</p>}>
          {tabs.page === "indexes" ? (
            <IndexesPage activeTable={tabs.active} />
          ) : tabs.page === "api-keys" ? (
            <ApiKeysPage />
          ) : tabs.page === "relations" ? (
            <RelationsPage onOpenTable={tabs.open} />
          ) : tabs.active === null ? (
            <p className="empty-state">Choose a table in the sidebar to open it, or create one with “New table”.</p>
          ) : (
            <div className="table-workspace">
              {table.error ? (
                <ErrorMessage error={table.error} />
              ) : table.data === undefined ? (
                <p className="muted">Loading {tabs.active}…</p>
              ) : (
                <Suspense fallback={<p className="muted">Loading the grid…</p>}>
                  {/* A column added or dropped remounts the views, so their layouts take in the new columns. */}
                  <TableViews key={gridKey(table.data)} table={table.data} />
                </Suspense>
              )}
              {columnsOpen && (
                <Suspense fallback={null}>
                  <ColumnsPanel table={tabs.active} onClose={() => setColumnsOpen(false)} />
                </Suspense>
              )}
            </div>
          )}
        </Suspense>
      </main>
      <Suspense fallback={null}>
        {(dialog?.kind === "create" || dialog?.kind === "edit") && (
          <TableEditor
            table={dialog.kind === "edit" ? dialog.table : null}
            onClose={() => setDialog(null)}
            onSaved={(name, previous) => {
              setDialog(null);
              if (previous !== null && previous !== name) tabs.rename(previous, name);
              else if (previous === null) tabs.open(name);
            }}
          />
        )}
        {dialog?.kind === "delete" && (
          <DeleteTableDialog
            table={dialog.table}
            onClose={() => setDialog(null)}
            onDeleted={(name) => {
              setDialog(null);
              tabs.rename(name, null);
            }}
          />
        )}
      </Suspense>
    </div>
  );
}
