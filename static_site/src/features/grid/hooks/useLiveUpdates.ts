import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { RowsPage } from "../../../shared/api";
import { currentApiKey, studioApiUrl } from "../../../shared/session/studioSession";
import { parseChange, planChange, realtimeUrl } from "../realtime";
import { aggregateKey } from "./useAggregate";

/** Changes close together are fetched once; the first one still shows well within a second. */
const REFETCH_COALESCE_MS = 150;

export type LiveState = "connecting" | "live" | "off";

/**
 * Follows the realtime feed (SSE) of one table: an update to a row on a loaded page is written into
 * the cache at once, and the table's pages and aggregates are fetched again (order, filter and count
 * may have changed). Without the `realtime` scope, or with realtime off on the server, it says "off".
 */
export function useLiveUpdates(table: string, primaryKey: string): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>("connecting");

  useEffect(() => {
    const apiKey = currentApiKey();
    if (apiKey === null || typeof EventSource === "undefined") {
      setState("off");
      return;
    }
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let closed = false;

    const refetch = () => {
      timer ??= setTimeout(() => {
        timer = null;
        void queryClient.invalidateQueries({ queryKey: ["rows", table] });
        void queryClient.invalidateQueries({ queryKey: aggregateKey(table) });
      }, REFETCH_COALESCE_MS);
    };

    const onChange = (event: MessageEvent<string>) => {
      const change = parseChange(event.data);
      if (change === null || change.table !== table) return;
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
      if (effect.refetch) refetch();
    };

    void studioApiUrl().then((apiUrl) => {
      if (closed) return;
      source = new EventSource(realtimeUrl(apiUrl, table, apiKey));
      source.onopen = () => setState("live");
      source.onerror = () => setState(source?.readyState === EventSource.CLOSED ? "off" : "connecting");
      source.addEventListener("db_change", onChange as EventListener);
      // A resume older than the server's memory: fetch everything again.
      source.addEventListener("gap", refetch);
    });

    return () => {
      closed = true;
      source?.close();
      if (timer !== null) clearTimeout(timer);
    };
  }, [queryClient, table, primaryKey]);

  return state;
}
