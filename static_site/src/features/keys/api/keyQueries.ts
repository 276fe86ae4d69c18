import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { queryKeys, useApi } from "../../../shared/api";
import type { CreateKeyBody, Scope } from "../keyForm";

/** A key as `GET /api-keys` lists it (never its secret). */
export interface ApiKeyDocument {
  id: number;
  name: string;
  prefix: string | null;
  schemaName: string | null;
  scopes: Record<Scope, boolean>;
  tables: string[] | null;
  readOnly: boolean;
  rateLimit: number | null;
  expiresAt: string | null;
  revoked: boolean;
  createdAt: string | null;
}

/** `GET /api-keys` (super admin). */
export function useApiKeys() {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.apiKeys,
    queryFn: ({ signal }) => api.request<ApiKeyDocument[]>("GET", "/api-keys", { signal }),
  });
}

/** `POST /api-keys`: the answer carries the secret, the only time it is shown. */
export function useCreateApiKey() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateKeyBody) => api.request<ApiKeyDocument & { key: string }>("POST", "/api-keys", { body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys }),
  });
}

/** `DELETE /api-keys/{id}`: revoke. */
export function useRevokeApiKey() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.request<unknown>("DELETE", `/api-keys/${id}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys }),
  });
}

/** The names of the tables the signed-in key sees (for the allowlist). */
export function useTableNames() {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.tables,
    queryFn: ({ signal }) => api.request<{ name: string }[]>("GET", "/rest/db/tables", { signal }),
    select: (tables) => tables.map((table) => table.name),
  });
}
