/** How a grid's view (sort, filter, search) and a page position become `GET /rest/db/{table}`'s query. */

export interface SortSpec {
  column: string;
  direction: "asc" | "desc";
}

/** A WhereFilter as the README describes it: `{"col": value}`, `{"col": {"op": value}}`, `{"and"|"or": [...]}`. */
export type WhereFilter = { [key: string]: unknown };

export interface RowsView {
  sort: readonly SortSpec[];
  filter: WhereFilter | null;
  search: string;
  /** `expand=col:alias` for the reference columns whose labels the grid shows. */
  expand?: readonly string[];
}

export const DEFAULT_VIEW: RowsView = { sort: [], filter: null, search: "" };

/** Where a page starts: after a keyset cursor (cheap at any depth) or at an offset page (from 1). */
export type PagePosition = { after: string } | { page: number };

export interface ListRequest {
  view: RowsView;
  limit: number;
  position: PagePosition;
  count: "exact" | "estimated" | "none";
}

export function sortParam(sort: readonly SortSpec[]): string {
  return sort.map(({ column, direction }) => `${column}:${direction}`).join(",");
}

export function toListQuery({ view, limit, position, count }: ListRequest): URLSearchParams {
  const query = new URLSearchParams({ limit: String(limit) });
  if (view.sort.length > 0) query.set("sort", sortParam(view.sort));
  if (view.filter !== null && Object.keys(view.filter).length > 0) query.set("filter", JSON.stringify(view.filter));
  if (view.search.trim() !== "") query.set("search", view.search.trim());
  if ("after" in position) query.set("after", position.after);
  else query.set("page", String(position.page));
  query.set("count", count);
  return query;
}

/** A click on a column's header: ascending, then descending, then back to the table's own order. */
export function cycleSort(sort: readonly SortSpec[], column: string): SortSpec[] {
  const current = sort.find((spec) => spec.column === column);
  if (current === undefined) return [{ column, direction: "asc" }];
  if (current.direction === "asc") return [{ column, direction: "desc" }];
  return [];
}
