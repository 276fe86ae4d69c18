/** A realtime `db_change` event, and what it changes in the grid's cached pages. */
import type { RecordRow } from "../../shared/api";

export type ChangeAction = "insert" | "update" | "delete";

export interface ChangeEvent {
  action: ChangeAction;
  table: string;
  /** The row after an insert or update (a TOASTed value left unchanged is missing from it). */
  row: RecordRow | null;
  /** The changed row's primary key. */
  key: RecordRow | null;
}

/** The SSE event's `data` (the change itself, or the WebSocket frame's envelope around it). */
export function parseChange(data: string): ChangeEvent | null {
  let body: unknown;
  try {
    body = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isRecord(body)) return null;
  const inner =
    isRecord(body.data) && isRecord(body.data.payload)
      ? body.data.payload
      : isRecord(body.payload)
        ? body.payload
        : body;
  const action = inner.action ?? inner.tag;
  if (action !== "insert" && action !== "update" && action !== "delete") return null;
  const table =
    typeof inner.table === "string" ? inner.table : isRecord(inner.relation) ? inner.relation.name : undefined;
  if (typeof table !== "string") return null;
  return {
    action,
    table,
    row: isRecord(inner.new) ? inner.new : null,
    key: isRecord(inner.key) ? inner.key : null,
  };
}

export interface CachedPage<K> {
  queryKey: K;
  rows: readonly RecordRow[];
}

export interface RowPatch<K> {
  queryKey: K;
  offset: number;
  row: RecordRow;
}

export interface CacheEffect<K> {
  /** Rows to rewrite at once (an update to a row on a loaded page): the change shows without a round trip. */
  patches: RowPatch<K>[];
  /**
   * Whether the table's pages must be fetched again. Always, for the grid's order, filter and count may
   * have changed with the row (an insert or a delete shifts every later row); the patch only makes an
   * update show before the refetch answers.
   */
  refetch: true;
}

export function planChange<K>(
  change: ChangeEvent,
  pages: readonly CachedPage<K>[],
  primaryKey: string,
): CacheEffect<K> {
  const patches: RowPatch<K>[] = [];
  const id = change.key?.[primaryKey] ?? change.row?.[primaryKey];
  if (change.action === "update" && change.row !== null && id !== undefined) {
    for (const { queryKey, rows } of pages) {
      rows.forEach((row, offset) => {
        if (sameKey(row[primaryKey], id)) patches.push({ queryKey, offset, row: { ...row, ...change.row } });
      });
    }
  }
  return { patches, refetch: true };
}

/** Keys compare as text: a big integer may come back as a number in one place and a string in another. */
function sameKey(a: unknown, b: unknown): boolean {
  return a !== undefined && a !== null && String(a) === String(b);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `GET /realtime?table=<t>&apiKey=<key>`: EventSource cannot send the `x-api-key` header. */
export function realtimeUrl(apiUrl: string, table: string, apiKey: string): string {
  const query = new URLSearchParams({ table, apiKey });
  return `${apiUrl}/realtime?${query.toString()}`;
}
