import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { type KeyIdentity, useApi } from "../../../shared/api";
import { currentApiKey } from "../../../shared/session/studioSession";

export type ViewType = "grid" | "calendar" | "map" | "timeline";

/** A saved view (`/rest/views`): a layout the studio owns, stored in PolarBase's metadata store. */
export interface SavedView {
  id: number;
  table: string;
  name: string;
  type: ViewType;
  config: Record<string, unknown>;
  createdBy?: string | null;
  createdAt?: string;
  updatedAt?: string;
  /** When a client last opened it: the studio comes back to the latest, on any machine. */
  openedAt?: string | null;
}

export const viewKeys = {
  list: (table: string) => ["views", table] as const,
};

/** `GET /rest/views?table=`: the table's saved views, oldest first. */
export function useViews(table: string) {
  const api = useApi();
  return useQuery({
    queryKey: viewKeys.list(table),
    queryFn: ({ signal }) =>
      api.request<SavedView[]>("GET", "/rest/views", { query: new URLSearchParams({ table }), signal }),
    staleTime: 60_000,
  });
}

/** Whether the signed-in key may change views at all (`POST /auth/validate`: not a read-only key). */
export function useCanWriteViews(): boolean | undefined {
  const api = useApi();
  const apiKey = currentApiKey();
  const identity = useQuery({
    queryKey: ["auth", "identity", apiKey],
    queryFn: () => api.request<KeyIdentity>("POST", "/auth/validate", { body: { apiKey } }),
    enabled: apiKey !== null,
    staleTime: Infinity,
  });
  if (identity.data === undefined) return identity.isError ? true : undefined;
  return identity.data.readOnly !== true;
}

type ViewChange = Partial<Pick<SavedView, "name" | "type" | "config">>;

/** Create, change and delete views, keeping the cached list in step with the server's answers. */
export function useViewMutations(table: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  const key = viewKeys.list(table);
  const replace = (view: SavedView) =>
    queryClient.setQueryData<SavedView[]>(key, (views = []) =>
      views.some(({ id }) => id === view.id) ? views.map((old) => (old.id === view.id ? view : old)) : [...views, view],
    );

  // Which view was opened last is the server's to know: another machine comes back to it too.
  const markOpened = useCallback(
    (id: number) => {
      void api.request<SavedView>("POST", `/rest/views/${id}/open`).then(
        (view) =>
          queryClient.setQueryData<SavedView[]>(viewKeys.list(table), (views = []) =>
            views.map((old) => (old.id === view.id ? view : old)),
          ),
        () => undefined,
      );
    },
    [api, queryClient, table],
  );
  const create = useMutation({
    mutationFn: (body: { name: string; type: ViewType; config: Record<string, unknown> }) =>
      api.request<SavedView>("POST", "/rest/views", { body: { table, ...body } }),
    // A view made in the studio is the one on screen: it is the one opened last.
    onSuccess: (view) => {
      replace(view);
      markOpened(view.id);
    },
  });
  const update = useMutation({
    mutationFn: ({ id, change }: { id: number; change: ViewChange }) =>
      api.request<SavedView>("PATCH", `/rest/views/${id}`, { body: change }),
    onSuccess: replace,
  });
  const remove = useMutation({
    mutationFn: async (id: number) => {
      await api.request<null>("DELETE", `/rest/views/${id}`);
      return id;
    },
    onSuccess: (id) =>
      queryClient.setQueryData<SavedView[]>(key, (views = []) => views.filter((view) => view.id !== id)),
  });
  return { create, update, remove, markOpened };
}
