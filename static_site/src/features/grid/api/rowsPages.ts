import type { ApiClient, RowsPage } from "../../../shared/api";
import { type RowsView, toListQuery } from "../listQuery";
import { PAGE_SIZE } from "../pageWindow";

/** Every page of one table under one view shares this prefix, so an edit or a refresh can reach them all. */
export function rowsViewKey(table: string, view: RowsView) {
  return ["rows", table, view] as const;
}

export function rowsPageKey(table: string, view: RowsView, page: number) {
  return [...rowsViewKey(table, view), page] as const;
}

/**
 * One page of rows. It continues from the previous page's cursor when that page is loaded (keyset,
 * as cheap at row 900,000 as at row 0), else starts at an offset page, as after a jump to the end.
 * Only page 0 asks for a row count, an estimate on big tables.
 */
export function fetchRowsPage(
  api: ApiClient,
  table: string,
  view: RowsView,
  page: number,
  previousCursor: string | null,
  signal: AbortSignal,
): Promise<RowsPage> {
  const query = toListQuery({
    view,
    limit: PAGE_SIZE,
    position: previousCursor === null ? { page: page + 1 } : { after: previousCursor },
    count: page === 0 ? "estimated" : "none",
  });
  if (view.expand !== undefined && view.expand.length > 0) query.set("expand", view.expand.join(","));
  return api.request<RowsPage>("GET", `/rest/db/${encodeURIComponent(table)}`, { query, signal });
}
