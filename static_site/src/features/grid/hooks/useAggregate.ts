import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { type RecordRow, useApi } from "../../../shared/api";
import type { AggregateRequest } from "../aggregates";

export function aggregateKey(table: string, request?: AggregateRequest | null) {
  return request === undefined ? (["aggregate", table] as const) : (["aggregate", table, request] as const);
}

/** `POST /rest/db/{table}/aggregate`; the realtime feed invalidates these with the table's rows. */
export function useAggregate(table: string, request: AggregateRequest | null) {
  const api = useApi();
  return useQuery({
    queryKey: aggregateKey(table, request),
    queryFn: ({ signal }) =>
      api.request<{ rows: RecordRow[] }>("POST", `/rest/db/${encodeURIComponent(table)}/aggregate`, {
        body: request,
        signal,
      }),
    enabled: request !== null,
    staleTime: 30_000,
    placeholderData: keepPreviousData,
  });
}
