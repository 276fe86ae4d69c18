/** The active table (`?table=name`) and page (`?page=indexes|api-keys|relations`) live in the URL, so a reload or a shared link comes back to them. */
const PARAM = "table";
const PAGE_PARAM = "page";

export type StudioPage = "indexes" | "api-keys" | "relations";
const PAGES: readonly StudioPage[] = ["indexes", "api-keys", "relations"];

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

/** The page shown instead of the active table, or null for the table itself. */
export function readPageParam(search: string): StudioPage | null {
  const page = new URLSearchParams(search).get(PAGE_PARAM);
  return PAGES.find((known) => known === page) ?? null;
}

export function urlWithPage(href: string, page: StudioPage | null): string {
  const url = new URL(href);
  if (page === null) url.searchParams.delete(PAGE_PARAM);
  else url.searchParams.set(PAGE_PARAM, page);
  return url.toString();
}
