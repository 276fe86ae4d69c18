import { type UseQueryResult, useQueries, useQueryClient } from "@tanstack/react-query";
import { useCallback, useMemo } from "react";
import { type RecordRow, type RowsPage, useApi } from "../../../shared/api";
import { fetchRowsPage, rowsPageKey } from "../api/rowsPages";
import type { RowsView } from "../listQuery";
import { locateRow, pagesForRange, type RowRange, rowCountFrom } from "../pageWindow";

export interface TableRows {
  /** Rows the grid should claim (an estimate until the last page has been seen). */
  rowCount: number;
  /** The row at an index, or undefined while its page loads. */
  getRow: (index: number) => RecordRow | undefined;
  isLoadingFirstPage: boolean;
  error: Error | null;
}

/**
 * The rows of the visible range, fetched page by page through TanStack Query (one query per page,
 * so pages are cached, deduplicated, and cancelled when scrolled past before they arrive).
 */
export function useTableRows(table: string, view: RowsView, visible: RowRange): TableRows {
  const api = useApi();
  const queryClient = useQueryClient();
  // Not clamped to the row count: that may be an estimate, and a page past the end costs one empty answer.
  const pages = useMemo(() => pagesForRange(visible, null), [visible]);

  // Runs again only when a page's result changes, so `getRow` keeps its identity between arrivals
  // and the grid redraws (and refreshes its accessible table) exactly when rows come in.
  const combine = useCallback(
    (results: UseQueryResult<RowsPage>[]) => {
      const loaded = new Map<number, RowsPage>();
      results.forEach((result, index) => {
        const page = pages[index];
        if (page !== undefined && result.data !== undefined) loaded.set(page, result.data);
      });
      return {
        loaded,
        isLoadingFirstPage: results[0]?.isPending === true,
        error: results.find((result) => result.error !== null)?.error ?? null,
      };
    },
    [pages],
  );

  const { loaded, isLoadingFirstPage, error } = useQueries({
    queries: pages.map((page) => ({
      queryKey: rowsPageKey(table, view, page),
      queryFn: ({ signal }: { signal: AbortSignal }) => {
        const previous = page > 0 ? queryClient.getQueryData<RowsPage>(rowsPageKey(table, view, page - 1)) : undefined;
        return fetchRowsPage(api, table, view, page, previous?.pagination.nextCursor ?? null, signal);
      },
      staleTime: 30_000,
      // Pages scrolled away from are dropped soon: a million-row table must not pile up in memory.
      gcTime: 30_000,
    })),
    combine,
  });

  const getRow = useCallback(
    (index: number) => {
      const { page, offset } = locateRow(index);
      return loaded.get(page)?.rows[offset];
    },
    [loaded],
  );

  const rowCount = useMemo(
    () =>
      rowCountFrom(
        loaded.get(0)?.pagination.total ?? null,
        [...loaded].map(([page, data]) => ({ page, rows: data.rows.length })),
      ),
    [loaded],
  );
  return { rowCount, getRow, isLoadingFirstPage, error };
}
