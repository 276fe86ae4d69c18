import type { IndexDocument, IndexMethod } from "./types";

export const INDEX_METHODS: readonly IndexMethod[] = ["btree", "hash", "gist", "gin", "brin", "spgist"];

export interface IndexForm {
  name: string;
  tableName: string;
  columnNames: string[];
  unique: boolean;
  type: IndexMethod;
}

export const EMPTY_INDEX_FORM: IndexForm = { name: "", tableName: "", columnNames: [], unique: false, type: "btree" };

/** The name offered until one is typed: `<table>_<columns>_idx`, cut to PostgreSQL's 63 characters. */
export function suggestIndexName(tableName: string, columnNames: readonly string[]): string {
  if (tableName === "" || columnNames.length === 0) return "";
  return `${tableName}_${columnNames.join("_")}_idx`.slice(0, 63);
}

/** The body of `POST /rest/db/indexes`, or why there is none yet. */
export function indexBody(form: IndexForm): { body: Omit<IndexDocument, "primary"> } | { error: string } {
  const name = form.name.trim() || suggestIndexName(form.tableName, form.columnNames);
  if (form.tableName === "") return { error: "Choose a table" };
  if (form.columnNames.length === 0) return { error: "Choose at least one column" };
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    return { error: "Name must be 1-63 characters: a letter or _ first, then letters, digits or _" };
  }
  return {
    body: { name, tableName: form.tableName, columnNames: form.columnNames, unique: form.unique, type: form.type },
  };
}

/** Indexes whose name, table or a column contains the query (ignoring case). */
export function matchIndexes(indexes: readonly IndexDocument[], query: string): IndexDocument[] {
  const needle = query.trim().toLowerCase();
  if (needle === "") return [...indexes];
  return indexes.filter((index) =>
    [index.name, index.tableName, ...index.columnNames].some((text) => text.toLowerCase().includes(needle)),
  );
}
