import { lazy, Suspense, useState } from "react";
import { ConfirmDialog } from "../../../shared/ui/ConfirmDialog";
import { ErrorMessage } from "../../../shared/ui/ErrorMessage";
import { type ApiKeyDocument, useApiKeys, useRevokeApiKey } from "../api/keyQueries";
import { keyStatus, SCOPES } from "../keyForm";

const ApiKeyDialog = lazy(() => import("./ApiKeyDialog").then((module) => ({ default: module.ApiKeyDialog })));

const date = (value: string | null) => (value ? new Date(value).toLocaleString() : "—");

/** The API keys (super admin): list, create (the secret shown once), revoke. */
export function ApiKeysPage() {
  const keys = useApiKeys();
  const revoke = useRevokeApiKey();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKeyDocument | null>(null);

  return (
    <section className="page" aria-labelledby="keys-title">
      <header className="page-head">
        <h1 id="keys-title">API keys</h1>
        <button type="button" className="primary" onClick={() => setCreating(true)} disabled={keys.isError}>
          New API key
        </button>
      </header>
      <ErrorMessage error={keys.error} />
      {keys.isPending && <p className="muted">Loading…</p>}
      {keys.data && keys.data.length > 0 && (
        <table className="data-table">
          <thead>
            <tr>
              {[
                "ID",
                "Name",
                "Prefix",
                "Scopes",
                "Tables",
                "Read-only",
                "Expires",
                "Rate limit",
                "Created",
                "Status",
              ].map((heading) => (
                <th key={heading} scope="col">
                  {heading}
                </th>
              ))}
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.data.map((key) => (
              <tr key={key.id} data-revoked={key.revoked}>
                <td>{key.id}</td>
                <td>{key.name}</td>
                <td className="code">{key.prefix ? `${key.prefix}…` : "—"}</td>
                <td>
                  {SCOPES.filter((scope) => key.scopes[scope.value]).map((scope) => (
                    <span key={scope.value} className="tag">
                      {scope.label}
                    </span>
                  ))}
                </td>
                <td>{key.tables === null ? "All" : key.tables.join(", ") || "None"}</td>
                <td>{key.readOnly ? "Yes" : "No"}</td>
                <td>{date(key.expiresAt)}</td>
                <td>{key.rateLimit === null ? "Default" : `${key.rateLimit}/min`}</td>
                <td>{date(key.createdAt)}</td>
                <td>{keyStatus(key, new Date())}</td>
                <td>
                  {!key.revoked && (
                    <button
                      type="button"
                      className="small"
                      aria-label={`Revoke ${key.name}`}
                      onClick={() => {
                        revoke.reset();
                        setRevoking(key);
                      }}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {keys.isSuccess && keys.data.length === 0 && <p className="muted">No API key yet.</p>}
      {creating && (
        <Suspense fallback={null}>
          <ApiKeyDialog onClose={() => setCreating(false)} />
        </Suspense>
      )}
      {revoking !== null && (
        <ConfirmDialog
          title="Revoke API key"
          confirmLabel="Revoke"
          pending={revoke.isPending}
          error={revoke.error}
          onClose={() => setRevoking(null)}
          onConfirm={() => revoke.mutate(revoking.id, { onSuccess: () => setRevoking(null) })}
        >
          <p>
            Revoke <strong>{revoking.name}</strong>? Whatever uses it stops working at once; a revoked key cannot be
            restored.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
