/**
 * The realtime feed of one table, over SSE (`polarbase serve`) or the WebSocket API (AWS, where the
 * deployment's config names it): the same change events either way, and `gap` when a resume
 * reaches further back than the server keeps.
 */
import type { StudioConfig } from "../../shared/api/config";
import { realtimeUrl } from "./realtime";

export interface FeedHandlers {
  onOpen: () => void;
  onTrouble: (closed: boolean) => void;
  onChange: (data: string) => void;
  onGap: () => void;
}

export interface Feed {
  close: () => void;
}

/** API Gateway closes a socket idle for 10 minutes: a ping well before keeps it. */
const PING_MS = 5 * 60 * 1000;
const RETRY_MS = [1000, 2000, 5000, 10000];

export function openFeed(config: StudioConfig, table: string, apiKey: string, on: FeedHandlers): Feed {
  return config.websocketUrl !== undefined
    ? openSocket(config.websocketUrl, table, apiKey, on)
    : openEvents(config.apiUrl, table, apiKey, on);
}

function openEvents(apiUrl: string, table: string, apiKey: string, on: FeedHandlers): Feed {
  const source = new EventSource(realtimeUrl(apiUrl, table, apiKey));
  source.onopen = on.onOpen;
  source.onerror = () => on.onTrouble(source.readyState === EventSource.CLOSED);
  source.addEventListener("db_change", (event) => on.onChange((event as MessageEvent<string>).data));
  source.addEventListener("gap", on.onGap);
  return { close: () => source.close() };
}

/** What a WebSocket frame is: an event (the original's envelope), a gap, or a reply. */
export function frameKind(data: string): "change" | "gap" | "other" {
  try {
    const body = JSON.parse(data) as { type?: unknown; data?: { event?: unknown } };
    if (body.type === "gap") return "gap";
    if (typeof body.data === "object" && body.data !== null && body.data.event === "db_change") return "change";
  } catch {
    // not JSON: nothing of ours
  }
  return "other";
}

function openSocket(url: string, table: string, apiKey: string, on: FeedHandlers): Feed {
  let socket: WebSocket | null = null;
  let ping: ReturnType<typeof setInterval> | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let attempts = 0;
  let closed = false;

  const connect = () => {
    const address = new URL(url);
    address.searchParams.set("x-api-key", apiKey);
    socket = new WebSocket(address.toString());
    socket.onopen = () => {
      attempts = 0;
      socket?.send(JSON.stringify({ type: "subscribe", table }));
      ping = setInterval(() => socket?.send(JSON.stringify({ type: "ping" })), PING_MS);
      on.onOpen();
    };
    socket.onmessage = (event: MessageEvent<string>) => {
      const kind = frameKind(event.data);
      if (kind === "change") on.onChange(event.data);
      else if (kind === "gap") on.onGap();
    };
    socket.onclose = () => {
      if (ping !== null) clearInterval(ping);
      if (closed) return;
      on.onTrouble(false);
      // A reconnect starts from now: what changed meanwhile is fetched again.
      on.onGap();
      retry = setTimeout(connect, RETRY_MS[Math.min(attempts++, RETRY_MS.length - 1)]);
    };
  };
  connect();
  return {
    close: () => {
      closed = true;
      if (retry !== null) clearTimeout(retry);
      if (ping !== null) clearInterval(ping);
      socket?.close();
    },
  };
}
