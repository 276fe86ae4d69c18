/** The open tabs, kept for the browser tab's session, so a reload shows the same tabs. */
const STORAGE_KEY = "polarbase.tabs";

type Storage = Pick<globalThis.Storage, "getItem" | "setItem">;

/** Signing out forgets the tabs: the next key may not see those tables. */
export function clearTabs(storage: Pick<globalThis.Storage, "removeItem">): void {
  storage.removeItem(STORAGE_KEY);
}

export function readTabs(storage: Storage): string[] {
  try {
    const value: unknown = JSON.parse(storage.getItem(STORAGE_KEY) ?? "[]");
    if (!Array.isArray(value)) return [];
    return [...new Set(value.filter((item): item is string => typeof item === "string" && item !== ""))];
  } catch {
    return [];
  }
}

export function writeTabs(storage: Storage, tabs: readonly string[]): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(tabs));
}

/** The tabs after a table was renamed (it keeps its place) or dropped (its tab goes). */
export function renameTab(tabs: readonly string[], from: string, to: string | null): string[] {
  if (to === null) return tabs.filter((name) => name !== from);
  return [...new Set(tabs.map((name) => (name === from ? to : name)))];
}
