/** The kinds of view a table has, and which one (and which saved view of it) was open last. */
export type ViewKind = "grid" | "calendar" | "timeline" | "map";

export const VIEW_KINDS: readonly ViewKind[] = ["grid", "calendar", "timeline", "map"];

export const KIND_LABELS: Record<ViewKind, string> = {
  grid: "Grid",
  calendar: "Calendar",
  timeline: "Timeline",
  map: "Map",
};

const KIND_PREFIX = "polarbase.viewkind.";
const ID_PREFIX = "polarbase.view.";

type Storage = Pick<globalThis.Storage, "getItem" | "setItem" | "removeItem">;

export interface KindStore {
  readKind(table: string): ViewKind;
  /** Whether this browser chose a kind for the table (else the server's latest is used). */
  hasKind(table: string): boolean;
  writeKind(table: string, kind: ViewKind): void;
  /** The last view of a kind opened in this browser. */
  readId(table: string, kind: ViewKind): number | null;
  writeId(table: string, kind: ViewKind, id: number | null): void;
}

export function isViewKind(value: unknown): value is ViewKind {
  return typeof value === "string" && (VIEW_KINDS as readonly string[]).includes(value);
}

export function createKindStore(storage: Storage): KindStore {
  const idKey = (table: string, kind: ViewKind) => `${ID_PREFIX}${kind}.${table}`;
  return {
    hasKind(table) {
      return isViewKind(storage.getItem(KIND_PREFIX + table));
    },
    readKind(table) {
      const value = storage.getItem(KIND_PREFIX + table);
      return isViewKind(value) ? value : "grid";
    },
    writeKind(table, kind) {
      storage.setItem(KIND_PREFIX + table, kind);
    },
    readId(table, kind) {
      const value = Number(storage.getItem(idKey(table, kind)));
      return Number.isSafeInteger(value) && value > 0 ? value : null;
    },
    writeId(table, kind, id) {
      if (id === null) storage.removeItem(idKey(table, kind));
      else storage.setItem(idKey(table, kind), String(id));
    },
  };
}
