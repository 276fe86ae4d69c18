import { useState } from "react";
import { Dialog } from "../../../shared/ui/Dialog";
import { ErrorMessage } from "../../../shared/ui/ErrorMessage";
import { useCreateApiKey, useTableNames } from "../api/keyQueries";
import { EMPTY_KEY_FORM, type KeyForm, keyFormBody, SCOPES } from "../keyForm";
import { SecretOnce } from "./SecretOnce";

/** The "API key" dialog: name, scopes, table allowlist, read-only, expiry, rate limit; then the secret, once. */
export function ApiKeyDialog({ onClose }: { onClose: () => void }) {
  const [form, setForm] = useState<KeyForm>(EMPTY_KEY_FORM);
  const [error, setError] = useState<string | null>(null);
  const tables = useTableNames();
  const create = useCreateApiKey();
  const change = (changes: Partial<KeyForm>) => setForm((now) => ({ ...now, ...changes }));

  if (create.data !== undefined) {
    return (
      <Dialog
        title="API key"
        onClose={onClose}
        onSubmit={onClose}
        footer={
          <button type="submit" className="primary">
            Done
          </button>
        }
      >
        <SecretOnce secret={create.data.key} />
      </Dialog>
    );
  }

  const save = () => {
    const result = keyFormBody(form);
    if ("error" in result) {
      setError(result.error);
      return;
    }
    setError(null);
    create.mutate(result.body);
  };

  return (
    <Dialog
      title="API key"
      onClose={onClose}
      onSubmit={save}
      submit={{ label: "Create key", disabled: create.isPending }}
    >
      <label className="field">
        <span>Name</span>
        <input value={form.name} maxLength={200} autoFocus onChange={(event) => change({ name: event.target.value })} />
      </label>
      <fieldset className="field-group">
        <legend>Scopes</legend>
        <div className="field-row">
          {SCOPES.map((scope) => (
            <label key={scope.value} className="choice">
              <input
                type="checkbox"
                checked={form.scopes[scope.value]}
                onChange={(event) => change({ scopes: { ...form.scopes, [scope.value]: event.target.checked } })}
              />
              <span>{scope.label}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset className="field-group">
        <legend>Tables (none checked: every table)</legend>
        <div className="checkbox-grid">
          {(tables.data ?? []).map((name) => (
            <label key={name} className="choice">
              <input
                type="checkbox"
                checked={form.tables.includes(name)}
                onChange={(event) =>
                  change({
                    tables: event.target.checked
                      ? [...form.tables, name]
                      : form.tables.filter((table) => table !== name),
                  })
                }
              />
              <span>{name}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <label className="choice">
        <input
          type="checkbox"
          checked={form.readOnly}
          onChange={(event) => change({ readOnly: event.target.checked })}
        />
        <span>Read-only</span>
      </label>
      <div className="field-row">
        <label className="field">
          <span>Expires on</span>
          <input type="date" value={form.expiresOn} onChange={(event) => change({ expiresOn: event.target.value })} />
        </label>
        <label className="field">
          <span>Rate limit (requests per minute)</span>
          <input
            type="number"
            min={0}
            step={1}
            value={form.rateLimit}
            onChange={(event) => change({ rateLimit: event.target.value })}
          />
        </label>
      </div>
      {error !== null && <p className="field-error">{error}</p>}
      <ErrorMessage error={create.error} />
    </Dialog>
  );
}
