/** The active table lives in the URL (`?table=name`), so a reload or a shared link comes back to it. */
const PARAM = "table";

export function readTableParam(search: string): string | null {
  const table = new URLSearchParams(search).get(PARAM);
  return table === null || table === "" ? null : table;
}

export function urlWithTable(href: string, table: string | null): string {
  const url = new URL(href);
  if (table === null) url.searchParams.delete(PARAM);
  else url.searchParams.set(PARAM, table);
  return url.toString();
}
