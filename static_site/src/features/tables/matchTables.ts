import type { TableSummary } from "../../shared/api";

/** The name a person sees: the UI name when one is set, else the table's own. */
export function tableLabel(table: TableSummary): string {
  const uiName = table.presentation?.uiName?.trim();
  return uiName ? uiName : table.name;
}

/** Tables whose name or UI name contains `query`, ignoring case and surrounding blanks. */
export function matchTables(tables: readonly TableSummary[], query: string): TableSummary[] {
  const needle = query.trim().toLocaleLowerCase();
  if (needle === "") return [...tables];
  return tables.filter((table) =>
    [table.name, table.presentation?.uiName ?? ""].some((name) => name.toLocaleLowerCase().includes(needle)),
  );
}
