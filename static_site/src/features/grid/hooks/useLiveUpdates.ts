import { useQueryClient } from "@tanstack/react-query";
import type { RowsPage } from "../../../shared/api";
import { planChange } from "../realtime";
import { aggregateKey } from "./useAggregate";
import { type LiveState, useTableFeed } from "./useTableFeed";

export type { LiveState } from "./useTableFeed";

/**
 * The grid's live updates (`useTableFeed`): an update to a row on a loaded page is written into the
 * cache at once, and the table's pages and aggregates are fetched again (order, filter and count
 * may have changed).
 */
export function useLiveUpdates(table: string, primaryKey: string): LiveState {
  const queryClient = useQueryClient();
  const refetch = () => {
    void queryClient.invalidateQueries({ queryKey: ["rows", table] });
    void queryClient.invalidateQueries({ queryKey: aggregateKey(table) });
  };
  return useTableFeed(table, refetch, (change) => {
    const pages = queryClient
      .getQueriesData<RowsPage>({ queryKey: ["rows", table] })
      .flatMap(([queryKey, data]) => (data === undefined ? [] : [{ queryKey, rows: data.rows }]));
    const effect = planChange(change, pages, primaryKey);
    for (const { queryKey, offset, row } of effect.patches) {
      queryClient.setQueryData<RowsPage>(queryKey, (data) => {
        if (data === undefined) return data;
        const rows = [...data.rows];
        rows[offset] = row;
        return { ...data, rows };
      });
    }
    return effect.refetch;
  });
}
