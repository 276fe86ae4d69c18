import { describe, expect, it } from "vitest";
import { createKindStore } from "./kinds";

function memory() {
  const values = new Map<string, string>();
  return {
    getItem: (key: string) => values.get(key) ?? null,
    setItem: (key: string, value: string) => void values.set(key, value),
    removeItem: (key: string) => void values.delete(key),
  };
}

describe("kind store", () => {
  it("remembers the kind and each kind's view per table", () => {
    const store = createKindStore(memory());
    expect(store.readKind("deals")).toBe("grid");
    store.writeKind("deals", "map");
    store.writeId("deals", "map", 12);
    store.writeId("deals", "calendar", 3);
    expect(store.readKind("deals")).toBe("map");
    expect(store.readId("deals", "map")).toBe(12);
    expect(store.readId("deals", "calendar")).toBe(3);
    expect(store.readId("people", "map")).toBeNull();
    store.writeId("deals", "map", null);
    expect(store.readId("deals", "map")).toBeNull();
  });

  it("ignores what is not a kind", () => {
    const storage = memory();
    storage.setItem("polarbase.viewkind.deals", "kanban");
    expect(createKindStore(storage).readKind("deals")).toBe("grid");
  });
});
