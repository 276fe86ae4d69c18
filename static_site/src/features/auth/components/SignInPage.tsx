import { type FormEvent, useState } from "react";
import { ErrorMessage } from "../../../shared/ui/ErrorMessage";
import { useValidateKey } from "../api/useValidateKey";

export function SignInPage({ onSignedIn }: { onSignedIn: (apiKey: string) => void }) {
  const [apiKey, setApiKey] = useState("");
  const validate = useValidateKey();

  function submit(event: FormEvent) {
    event.preventDefault();
    const key = apiKey.trim();
    validate.mutate(key, { onSuccess: () => onSignedIn(key) });
  }

  return (
    <main className="sign-in">
      <form className="sign-in-form" onSubmit={submit}>
        <h1>PolarBase</h1>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={apiKey}
          onChange={(event) => setApiKey(event.target.value)}
          required
        />
        <button type="submit" disabled={validate.isPending || apiKey.trim() === ""}>
          Sign in
        </button>
        <ErrorMessage error={validate.error} />
      </form>
    </main>
  );
}
