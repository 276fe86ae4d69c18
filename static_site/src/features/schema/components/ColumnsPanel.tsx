import { lazy, Suspense, useState } from "react";
import { ConfirmDialog } from "../../../shared/ui/ConfirmDialog";
import { ErrorMessage } from "../../../shared/ui/ErrorMessage";
import { useDropColumn, useTableColumns } from "../api/schemaQueries";
import { fieldTypeLabel } from "../fieldTypes";
import type { ColumnDocument } from "../types";

const ColumnEditor = lazy(() => import("./ColumnEditor").then((module) => ({ default: module.ColumnEditor })));

interface Props {
  table: string;
  onClose: () => void;
}

type Editing = { column: ColumnDocument | null } | null;

/** The active table's columns, each with Edit and Delete, and "Add column". */
export function ColumnsPanel({ table, onClose }: Props) {
  const columns = useTableColumns(table);
  const drop = useDropColumn(table);
  const [editing, setEditing] = useState<Editing>(null);
  const [dropping, setDropping] = useState<string | null>(null);
  const names = (columns.data ?? []).map((column) => column.name);

  return (
    <aside className="side-panel" aria-label="Columns">
      <header className="side-panel-head">
        <h2>Columns</h2>
        <button type="button" className="small primary" onClick={() => setEditing({ column: null })}>
          Add column
        </button>
        <button type="button" className="link-button" aria-label="Close columns" onClick={onClose}>
          ×
        </button>
      </header>
      <ErrorMessage error={columns.error} />
      <ul className="column-list">
        {(columns.data ?? []).map((column) => (
          <li key={column.name} aria-label={column.name}>
            <div className="column-summary">
              <span className="column-name">{column.presentation?.uiName || column.name}</span>
              <small className="muted-inline">
                {fieldTypeLabel(column.dataType)}
                {column.primary && " · key"}
                {!column.nullable && !column.primary && " · required"}
                {column.unique && !column.primary && " · unique"}
                {column.presentation?.uiName ? ` · ${column.name}` : ""}
              </small>
            </div>
            <button
              type="button"
              className="small"
              aria-label="Edit"
              title={`Edit column ${column.name}`}
              onClick={() => setEditing({ column })}
            >
              Edit
            </button>
            <button
              type="button"
              className="small"
              aria-label="Delete"
              title={column.primary ? "The key cannot be deleted" : `Delete column ${column.name}`}
              disabled={column.primary}
              onClick={() => {
                drop.reset();
                setDropping(column.name);
              }}
            >
              Delete
            </button>
          </li>
        ))}
      </ul>
      {editing !== null && (
        <Suspense fallback={null}>
          <ColumnEditor table={table} column={editing.column} columnNames={names} onClose={() => setEditing(null)} />
        </Suspense>
      )}
      {dropping !== null && (
        <ConfirmDialog
          title="Delete column"
          confirmLabel="Delete"
          pending={drop.isPending}
          error={drop.error}
          onClose={() => setDropping(null)}
          onConfirm={() => drop.mutate(dropping, { onSuccess: () => setDropping(null) })}
        >
          <p>
            Delete the column <strong>{dropping}</strong> of {table} and every value in it? This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </aside>
  );
}
