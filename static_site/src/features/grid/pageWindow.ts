/**
 * The grid holds a window of fixed-size pages, not the table: which pages a visible range needs,
 * where a row lives in them, and how many rows the grid should claim.
 */

export const PAGE_SIZE = 100;

export interface RowRange {
  /** Index of the first visible row. */
  first: number;
  /** How many rows are visible. */
  count: number;
}

export interface RowLocation {
  page: number;
  offset: number;
}

export function locateRow(row: number): RowLocation {
  return { page: Math.floor(row / PAGE_SIZE), offset: row % PAGE_SIZE };
}

/**
 * Pages covering `range` plus `overscan` rows on each side, so a short scroll finds its rows loaded.
 * Page 0 is always included: its answer carries the table's row count.
 */
export function pagesForRange(range: RowRange, rowCount: number | null, overscan = PAGE_SIZE / 2): number[] {
  const start = Math.max(0, range.first - overscan);
  let end = range.first + Math.max(range.count, 1) + overscan - 1;
  if (rowCount !== null) end = Math.min(end, Math.max(rowCount - 1, 0));
  const pages = new Set<number>([0]);
  for (let page = locateRow(start).page; page <= locateRow(Math.max(end, start)).page; page++) pages.add(page);
  return [...pages].sort((a, b) => a - b);
}

export interface LoadedPage {
  page: number;
  rows: number;
}

/**
 * The row count to show. A page shorter than PAGE_SIZE marks the true end (the smallest such end wins,
 * since a page fetched past the end comes back empty); otherwise the server's total, which may be an
 * estimate, raised to cover every full page already seen.
 */
export function rowCountFrom(total: number | null, loaded: readonly LoadedPage[]): number {
  const ends = loaded.filter(({ rows }) => rows < PAGE_SIZE).map(({ page, rows }) => page * PAGE_SIZE + rows);
  if (ends.length > 0) return Math.min(...ends);
  const fullEnd = Math.max(0, ...loaded.map(({ page }) => (page + 1) * PAGE_SIZE));
  return Math.max(total ?? 0, fullEnd);
}
