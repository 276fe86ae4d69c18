import { lazy, Suspense, useState } from "react";
import { ConfirmDialog } from "../../../shared/ui/ConfirmDialog";
import { ErrorMessage } from "../../../shared/ui/ErrorMessage";
import { useDropIndex, useIndexes } from "../api/schemaQueries";
import { matchIndexes } from "../indexForm";

const IndexEditor = lazy(() => import("./IndexEditor").then((module) => ({ default: module.IndexEditor })));

/** Every index of the database: searchable, created through the "Index" dialog, dropped after a confirmation. */
export function IndexesPage({ activeTable }: { activeTable: string | null }) {
  const indexes = useIndexes();
  const drop = useDropIndex();
  const [query, setQuery] = useState("");
  const [creating, setCreating] = useState(false);
  const [dropping, setDropping] = useState<string | null>(null);
  const shown = matchIndexes(indexes.data ?? [], query);

  return (
    <section className="page" aria-labelledby="indexes-title">
      <header className="page-head">
        <h1 id="indexes-title">Indexes</h1>
        <input
          type="search"
          aria-label="Search indexes"
          placeholder="Search indexes"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          New index
        </button>
      </header>
      <ErrorMessage error={indexes.error} />
      {indexes.isPending && <p className="muted">Loading…</p>}
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Table</th>
            <th scope="col">Columns</th>
            <th scope="col">Unique</th>
            <th scope="col">Method</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map((index) => (
            <tr key={index.name}>
              <td>{index.name}</td>
              <td>{index.tableName}</td>
              <td>{index.columnNames.join(", ")}</td>
              <td>{index.unique ? "Yes" : "No"}</td>
              <td>{index.type}</td>
              <td>
                <button
                  type="button"
                  className="small"
                  aria-label={`Drop index ${index.name}`}
                  disabled={index.primary === true}
                  title={index.primary ? "The primary key's index goes with the key" : undefined}
                  onClick={() => {
                    drop.reset();
                    setDropping(index.name);
                  }}
                >
                  Drop
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {indexes.isSuccess && shown.length === 0 && <p className="muted">No index matches.</p>}
      {creating && (
        <Suspense fallback={null}>
          <IndexEditor initialTable={activeTable} onClose={() => setCreating(false)} />
        </Suspense>
      )}
      {dropping !== null && (
        <ConfirmDialog
          title="Drop index"
          confirmLabel="Drop"
          pending={drop.isPending}
          error={drop.error}
          onClose={() => setDropping(null)}
          onConfirm={() => drop.mutate(dropping, { onSuccess: () => setDropping(null) })}
        >
          <p>
            Drop the index <strong>{dropping}</strong>?
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
