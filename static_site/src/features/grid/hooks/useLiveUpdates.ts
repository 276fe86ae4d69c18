import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { RowsPage } from "../../../shared/api";
import { currentApiKey, studioConfig } from "../../../shared/session/studioSession";
import { openFeed, type Feed } from "../liveFeed";
import { parseChange, planChange } from "../realtime";
import { aggregateKey } from "./useAggregate";

/** Changes close together are fetched once; the first one still shows well within a second. */
const REFETCH_COALESCE_MS = 150;

export type LiveState = "connecting" | "live" | "off";

/**
 * Follows the realtime feed (SSE locally, the WebSocket API on AWS) of one table: an update to a row on a loaded page is written into
 * the cache at once, and the table's pages and aggregates are fetched again (order, filter and count
 * may have changed). Without the `realtime` scope, or with realtime off on the server, it says "off".
 */
export function useLiveUpdates(table: string, primaryKey: string): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>("connecting");

  useEffect(() => {
    const apiKey = currentApiKey();
    if (apiKey === null) {
      setState("off");
      return;
    }
    let timer: ReturnType<typeof setTimeout> | null = null;
    let closed = false;

    const refetch = () => {
      timer ??= setTimeout(() => {
        timer = null;
        void queryClient.invalidateQueries({ queryKey: ["rows", table] });
        void queryClient.invalidateQueries({ queryKey: aggregateKey(table) });
      }, REFETCH_COALESCE_MS);
    };

    const onChange = (data: string) => {
      const change = parseChange(data);
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

    let feed: Feed | null = null;
    void studioConfig().then((config) => {
      if (closed) return;
      feed = openFeed(config, table, apiKey, {
        onOpen: () => setState("live"),
        onTrouble: (gone) => setState(gone ? "off" : "connecting"),
        onChange: (data) => onChange(data),
        // A resume older than the server's memory, or a reconnect: fetch everything again.
        onGap: refetch,
      });
    });

    return () => {
      closed = true;
      feed?.close();
      if (timer !== null) clearTimeout(timer);
    };
  }, [queryClient, table, primaryKey]);

  return state;
}
