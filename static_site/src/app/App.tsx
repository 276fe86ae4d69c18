import { QueryClientProvider } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";
import { SignInPage } from "../features/auth";
import { ApiProvider, createApiClient, type StudioConfig } from "../shared/api";
import { createApiKeyStore } from "../shared/session/apiKeyStore";
import { createStudioQueryClient } from "./queryClient";
import { Shell } from "./Shell";
import { clearTabs } from "./tabsStore";

const keyStore = createApiKeyStore(window.sessionStorage);

export function App({ config }: { config: StudioConfig }) {
  const [apiKey, setApiKey] = useState(() => keyStore.read());

  const signOut = useCallback(() => {
    keyStore.clear();
    clearTabs(window.sessionStorage);
    setApiKey(null);
  }, []);
  const [queryClient] = useState(() => createStudioQueryClient(signOut));
  const client = useMemo(() => createApiClient(config.apiUrl, apiKey), [config.apiUrl, apiKey]);

  const signIn = useCallback(
    (key: string) => {
      // Nothing fetched under another key may show under this one.
      queryClient.clear();
      keyStore.write(key);
      setApiKey(key);
    },
    [queryClient],
  );

  return (
    <QueryClientProvider client={queryClient}>
      <ApiProvider client={client}>
        {apiKey === null ? <SignInPage onSignedIn={signIn} /> : <Shell apiUrl={config.apiUrl} onSignOut={signOut} />}
      </ApiProvider>
    </QueryClientProvider>
  );
}
