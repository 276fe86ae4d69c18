import { useEffect, useRef, useState } from "react";
import { currentApiKey, studioConfig } from "../../../shared/session/studioSession";
import { type Feed, openFeed } from "../liveFeed";
import { type ChangeEvent, parseChange } from "../realtime";

/** Changes close together are fetched once; the first one still shows well within a second. */
const REFETCH_COALESCE_MS = 150;

export type LiveState = "connecting" | "live" | "off";

export const LIVE_TEXT: Record<LiveState, string> = {
  connecting: "Connecting…",
  live: "Live",
  off: "Live updates off",
};

/**
 * Follows the realtime feed (SSE locally, the WebSocket API on AWS) of one table, for the grid and
 * every view alike. Each change to the table goes to `apply`, which says whether the screen must
 * fetch again; `refetch` runs then, once for changes close together, and after a gap or a
 * reconnect. Without the `realtime` scope, or with realtime off on the server, it says "off".
 */
export function useTableFeed(
  table: string,
  refetch: () => void,
  apply: (change: ChangeEvent) => boolean = () => true,
): LiveState {
  const [state, setState] = useState<LiveState>("connecting");
  const latest = useRef({ refetch, apply });
  latest.current = { refetch, apply };

  useEffect(() => {
    const apiKey = currentApiKey();
    if (apiKey === null) {
      setState("off");
      return;
    }
    let timer: ReturnType<typeof setTimeout> | null = null;
    let closed = false;
    let feed: Feed | null = null;
    const coalesced = () => {
      timer ??= setTimeout(() => {
        timer = null;
        latest.current.refetch();
      }, REFETCH_COALESCE_MS);
    };
    void studioConfig().then((config) => {
      if (closed) return;
      feed = openFeed(config, table, apiKey, {
        onOpen: () => setState("live"),
        onTrouble: (gone) => setState(gone ? "off" : "connecting"),
        onChange: (data) => {
          const change = parseChange(data);
          if (change !== null && change.table === table && latest.current.apply(change)) coalesced();
        },
        // A resume older than the server's memory, or a reconnect: fetch everything again.
        onGap: coalesced,
      });
    });
    return () => {
      closed = true;
      feed?.close();
      if (timer !== null) clearTimeout(timer);
    };
  }, [table]);

  return state;
}
