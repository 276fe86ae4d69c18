import { useQueries, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useState } from "react";
import { type RecordRow, type RowsPage, useApi } from "../../../shared/api";
import type { RowsView } from "../listQuery";

/** Cached like a page of rows (`["rows", table, …]`), so edits and the live feed reach it too. */
export function addedRowKey(table: string, id: unknown) {
  return ["rows", table, "added", String(id)] as const;
}

/**
 * Records created in this view that its loaded pages do not show (on a big table a new record may
 * sort far from where the person is): kept under the last row until the view changes.
 */
export function useAddedRows(table: string, view: RowsView, isShown: (id: unknown) => boolean) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [ids, setIds] = useState<unknown[]>([]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: another table or view forgets the records added in this one
  useEffect(() => setIds([]), [table, view]);

  const rows = useQueries({
    queries: ids.map((id) => ({
      queryKey: addedRowKey(table, id),
      queryFn: async ({ signal }: { signal: AbortSignal }): Promise<RowsPage> => {
        const row = await api.request<RecordRow>(
          "GET",
          `/rest/db/${encodeURIComponent(table)}/${encodeURIComponent(String(id))}`,
          { signal },
        );
        return { rows: [row], pagination: { page: 1, limit: 1, total: 1, pages: 1 } };
      },
      staleTime: 30_000,
      retry: false,
    })),
    combine: (results) => results.map((result) => result.data?.rows[0]),
  });

  const add = useCallback(
    (id: unknown, row: RecordRow) => {
      queryClient.setQueryData<RowsPage>(addedRowKey(table, id), {
        rows: [row],
        pagination: { page: 1, limit: 1, total: 1, pages: 1 },
      });
      setIds((current) => [...current, id]);
    },
    [queryClient, table],
  );
  const forget = useCallback((removed: readonly unknown[]) => {
    const gone = new Set(removed.map(String));
    setIds((current) => current.filter((id) => !gone.has(String(id))));
  }, []);
  const shown = rows.filter((row, index): row is RecordRow => row !== undefined && !isShown(ids[index]));
  return { rows: shown, add, forget };
}
