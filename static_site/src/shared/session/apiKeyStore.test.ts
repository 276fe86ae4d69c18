import { describe, expect, it } from "vitest";
import { createApiKeyStore } from "./apiKeyStore";

describe("createApiKeyStore", () => {
  it("keeps, reads and forgets the key", () => {
    const items = new Map<string, string>();
    const store = createApiKeyStore({
      getItem: (key) => items.get(key) ?? null,
      setItem: (key, value) => void items.set(key, value),
      removeItem: (key) => void items.delete(key),
    });
    expect(store.read()).toBeNull();
    store.write("ak_123");
    expect(store.read()).toBe("ak_123");
    store.clear();
    expect(store.read()).toBeNull();
  });
});
