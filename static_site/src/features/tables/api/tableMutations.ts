import { useMutation, useQueryClient } from "@tanstack/react-query";
import { queryKeys, type TableSummary, useApi } from "../../../shared/api";
import { deleteTablePath } from "../deleteConfirm";

/** `POST /rest/db/tables`. */
export function useCreateTable() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Record<string, unknown>) => api.request<TableSummary>("POST", "/rest/db/tables", { body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.tables }),
  });
}

/** `PATCH /rest/db/tables/{table}`. */
export function useUpdateTable(table: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      api.request<TableSummary>("PATCH", `/rest/db/tables/${encodeURIComponent(table)}`, { body }),
    onSuccess: (saved) => {
      if (saved.name !== table) {
        // Under its old name the table is gone: refetching it would only answer 404.
        queryClient.removeQueries({ queryKey: queryKeys.table(table) });
        queryClient.removeQueries({ queryKey: queryKeys.rows(table) });
      }
      return queryClient.invalidateQueries({ queryKey: queryKeys.tables });
    },
  });
}

/** `DELETE /rest/db/tables/{table}?cascade=`. */
export function useDeleteTable() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ table, cascade }: { table: string; cascade: boolean }) => {
      const { path, query } = deleteTablePath(table, cascade);
      return api.request<null>("DELETE", path, { query });
    },
    onSuccess: (_result, { table }) => {
      queryClient.removeQueries({ queryKey: queryKeys.table(table) });
      queryClient.removeQueries({ queryKey: queryKeys.rows(table) });
      // Cascade may have dropped foreign keys elsewhere: every table document may have changed.
      return queryClient.invalidateQueries({ queryKey: queryKeys.tables });
    },
  });
}
