import { describe, expect, it } from "vitest";
import { createLastViewStore, latestOpened, pickView } from "./lastView";

function memory() {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

describe("last view", () => {
  it("remembers one view per table", () => {
    const store = createLastViewStore(memory());
    store.write("deals", 4);
    store.write("people", 9);
    expect(store.read("deals")).toBe(4);
    expect(store.read("people")).toBe(9);
    store.write("deals", null);
    expect(store.read("deals")).toBeNull();
    expect(store.read("other")).toBeNull();
  });

  it("opens the last view when it still exists, else the first", () => {
    const views = [{ id: 2 }, { id: 5 }];
    expect(pickView(views, 5)).toEqual({ id: 5 });
    expect(pickView(views, 7)).toEqual({ id: 2 });
    expect(pickView([], 7)).toBeNull();
  });

  it("without a view of this browser, opens the one opened last anywhere", () => {
    const views = [
      { id: 2, openedAt: "2026-12-06T10:00:00.000Z" },
      { id: 5, openedAt: "2026-12-06T11:00:00.000Z" },
      { id: 7, openedAt: null },
    ];
    expect(pickView(views, null)).toEqual(views[1]);
    expect(pickView(views, 2)).toEqual(views[0]);
    expect(latestOpened([{ id: 1 }, { id: 3, openedAt: null }])).toBeNull();
  });
});
