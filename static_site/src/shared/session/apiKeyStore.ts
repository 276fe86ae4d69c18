/** The signed-in key, kept for the browser tab's session only (closing the tab signs out). */
const STORAGE_KEY = "polarbase.apiKey";

export interface ApiKeyStore {
  read(): string | null;
  write(apiKey: string): void;
  clear(): void;
}

export function createApiKeyStore(storage: Pick<Storage, "getItem" | "setItem" | "removeItem">): ApiKeyStore {
  return {
    read: () => storage.getItem(STORAGE_KEY),
    write: (apiKey) => storage.setItem(STORAGE_KEY, apiKey),
    clear: () => storage.removeItem(STORAGE_KEY),
  };
}
