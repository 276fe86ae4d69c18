/** A table is dropped only once its name has been typed exactly (surrounding blanks aside). */
export function canConfirmDelete(typed: string, tableName: string): boolean {
  return typed.trim() === tableName;
}

/** `DELETE /rest/db/tables/{table}?cascade=…` */
export function deleteTablePath(tableName: string, cascade: boolean): { path: string; query: URLSearchParams } {
  return {
    path: `/rest/db/tables/${encodeURIComponent(tableName)}`,
    query: new URLSearchParams({ cascade: String(cascade) }),
  };
}
