import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type RecordRow, type RowsPage, useApi } from "../../shared/api";
import { type LiveState, useTableFeed, type WhereFilter } from "../grid";

export type { LiveState } from "../grid";

/** At most this many records per screen of a calendar, timeline or map. */
export const VIEW_LIMIT = 2000;

/** A view's records, and whether more matched than it shows (`VIEW_LIMIT`). */
export interface ViewRows extends RowsPage {
  truncated: boolean;
}

/** The first `VIEW_LIMIT` rows of a page asked for one more, and whether there was that one more. */
export function limitRows(page: RowsPage): ViewRows {
  return { ...page, rows: page.rows.slice(0, VIEW_LIMIT), truncated: page.rows.length > VIEW_LIMIT };
}

export const viewRowsKey = (table: string) => ["view-rows", table] as const;

/** The records a view shows: one request with the server filter (its range or area, and its own
 * filter), one record more than it shows, to know whether it shows them all. */
export function useViewRecords(table: string, kind: string, filter: WhereFilter | null, enabled = true) {
  const api = useApi();
  const filterText = filter === null ? "" : JSON.stringify(filter);
  return useQuery({
    queryKey: [...viewRowsKey(table), kind, filterText],
    queryFn: ({ signal }) => {
      const query = new URLSearchParams({ limit: String(VIEW_LIMIT + 1), count: "none" });
      if (filterText !== "") query.set("filter", filterText);
      return api.request<RowsPage>("GET", `/rest/db/${encodeURIComponent(table)}`, { query, signal });
    },
    select: limitRows,
    enabled,
    placeholderData: keepPreviousData,
  });
}

/** `PATCH /rest/db/{table}/{id}` and `POST /rest/db/{table}`, shown at once in every view's records. */
export function useViewWrites(table: string, primaryKey: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  const key = viewRowsKey(table);
  const patchCached = (id: unknown, data: RecordRow) => {
    for (const [queryKey, page] of queryClient.getQueriesData<RowsPage>({ queryKey: key })) {
      if (page === undefined) continue;
      queryClient.setQueryData<RowsPage>(queryKey, {
        ...page,
        rows: page.rows.map((row) => (String(row[primaryKey]) === String(id) ? { ...row, ...data } : row)),
      });
    }
  };
  const refresh = () => void queryClient.invalidateQueries({ queryKey: key });

  const patch = useMutation({
    mutationFn: ({ id, data }: { id: unknown; data: RecordRow; before?: RecordRow }) =>
      api.request<{ returning: RecordRow[] }>(
        "PATCH",
        `/rest/db/${encodeURIComponent(table)}/${encodeURIComponent(String(id))}`,
        { body: data },
      ),
    onMutate: ({ id, data }) => patchCached(id, data),
    onError: (_error, { id, before }) => {
      if (before !== undefined) patchCached(id, before);
    },
    onSettled: refresh,
  });
  const create = useMutation({
    mutationFn: (data: RecordRow) =>
      api
        .request<{ returning: RecordRow[] }>("POST", `/rest/db/${encodeURIComponent(table)}`, { body: data })
        .then((result) => {
          const row = result.returning[0];
          if (row === undefined) throw new Error("The server stored no record");
          return row;
        }),
    onSuccess: refresh,
  });
  return {
    patch,
    create,
    error: patch.error ?? create.error,
    reset: () => {
      patch.reset();
      create.reset();
    },
  };
}

/** Refetches a view's records when the table's realtime feed reports a change to it. */
export function useLiveRefetch(table: string): LiveState {
  const queryClient = useQueryClient();
  return useTableFeed(table, () => void queryClient.invalidateQueries({ queryKey: viewRowsKey(table) }));
}
