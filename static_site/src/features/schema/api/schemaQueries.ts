import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { queryKeys, type TableSummary, useApi } from "../../../shared/api";
import type { ColumnDefinition, ColumnDocument, IndexDocument } from "../types";

interface TableWithColumns extends TableSummary {
  schema: ColumnDocument[];
}

const tablePath = (table: string) => `/rest/db/tables/${encodeURIComponent(table)}`;

/** The table's columns, full (the same query as the shell's table document). */
export function useTableColumns(table: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.table(table ?? ""),
    queryFn: ({ signal }) => api.request<TableWithColumns>("GET", tablePath(table ?? ""), { signal }),
    enabled: table !== null && table !== "",
    select: (document) => document.schema,
  });
}

/** Every table's name (for a reference's target and an index's table). */
export function useTableNames() {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.tables,
    queryFn: ({ signal }) => api.request<TableSummary[]>("GET", "/rest/db/tables", { signal }),
    select: (tables) => tables.map((table) => table.name),
  });
}

function useSchemaChange<T>(table: string, run: (input: T) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.table(table) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.rows(table) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.indexes }),
      ]),
  });
}

/** `POST /rest/db/tables/{table}/columns`. */
export function useAddColumn(table: string) {
  const api = useApi();
  return useSchemaChange(table, (definition: ColumnDefinition) =>
    api.request<ColumnDocument>("POST", `${tablePath(table)}/columns`, { body: definition }),
  );
}

/** `PUT /rest/db/tables/{table}/columns/{column}` (the full definition; the UI name survives a failed change). */
export function useUpdateColumn(table: string) {
  const api = useApi();
  return useSchemaChange(table, ({ column, definition }: { column: string; definition: ColumnDefinition }) =>
    api.request<ColumnDocument>("PUT", `${tablePath(table)}/columns/${encodeURIComponent(column)}`, {
      body: definition,
      query: new URLSearchParams({ allowPresentationSaveOnFailure: "true" }),
    }),
  );
}

/** `DELETE /rest/db/tables/{table}/columns/{column}`. */
export function useDropColumn(table: string) {
  const api = useApi();
  return useSchemaChange(table, (column: string) =>
    api.request<null>("DELETE", `${tablePath(table)}/columns/${encodeURIComponent(column)}`),
  );
}

/** `GET /rest/db/indexes`. */
export function useIndexes() {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.indexes,
    queryFn: ({ signal }) => api.request<IndexDocument[]>("GET", "/rest/db/indexes", { signal }),
  });
}

/** `POST /rest/db/indexes`. */
export function useCreateIndex() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Omit<IndexDocument, "primary">) =>
      api.request<IndexDocument>("POST", "/rest/db/indexes", { body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.indexes }),
  });
}

/** `DELETE /rest/db/indexes/{name}`. */
export function useDropIndex() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api.request<null>("DELETE", `/rest/db/indexes/${encodeURIComponent(name)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.indexes }),
  });
}
