import { useQuery } from "@tanstack/react-query";
import { queryKeys, type TableDocument, type TableSummary, useApi } from "../../../shared/api";

export const tableKeys = {
  list: queryKeys.tables,
  document: queryKeys.table,
};

/** `GET /rest/db/tables`: every table the key may read. */
export function useTables() {
  const api = useApi();
  return useQuery({
    queryKey: tableKeys.list,
    queryFn: ({ signal }) => api.request<TableSummary[]>("GET", "/rest/db/tables", { signal }),
  });
}

/** `GET /rest/db/tables/{table}`: the table with its columns (`schema`). */
export function useTableDocument(table: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: tableKeys.document(table ?? ""),
    queryFn: ({ signal }) =>
      api.request<TableDocument>("GET", `/rest/db/tables/${encodeURIComponent(table ?? "")}`, { signal }),
    enabled: table !== null,
  });
}
