import type { ApiClient, RecordRow, UpdateResult } from "../../../shared/api";
import { currentApiKey, studioApiUrl } from "../../../shared/session/studioSession";
import type { Attachment } from "../editing/fields";
import type { RowChange } from "../editing/undo";

const base = (table: string) => `/rest/db/${encodeURIComponent(table)}`;

interface InsertResult {
  insertedCount: number;
  returning: RecordRow[];
}

/** `POST /rest/db/{table}`: one record (`{}` takes every default); the stored row. */
export async function createRecord(api: ApiClient, table: string, data: RecordRow): Promise<RecordRow> {
  const result = await api.request<InsertResult>("POST", base(table), { body: data });
  const row = result.returning[0];
  if (row === undefined) throw new Error("The server stored no record");
  return row;
}

/** `PATCH /rest/db/{table}/bulk-update` with `[{id, data}]`: one statement, all or nothing. */
export async function bulkUpdate(api: ApiClient, table: string, changes: readonly RowChange[]): Promise<RecordRow[]> {
  const result = await api.request<UpdateResult>("PATCH", `${base(table)}/bulk-update`, { body: changes });
  return result.returning;
}

/** `POST /rest/db/{table}/bulk-delete` with `{ids}`. */
export function bulkDelete(api: ApiClient, table: string, ids: readonly unknown[]) {
  return api.request<{ deletedCount: number; deletedIds: unknown[] }>("POST", `${base(table)}/bulk-delete`, {
    body: { ids },
  });
}

/** `GET /rest/files/{key}?signed=true`: a link an `<img>` can load without the key. */
export async function signedFileUrl(api: ApiClient, key: string): Promise<string> {
  const query = new URLSearchParams({ signed: "true", expiresIn: "3600" });
  const answer = await api.request<{ url: string }>("GET", `/rest/files/${encodeURI(key)}`, { query });
  return answer.url.startsWith("/") ? `${await studioApiUrl()}${answer.url}` : answer.url;
}

/** `POST /rest/files/upload` (multipart field `files`), checked against the column's rules. */
export async function uploadFiles(files: readonly File[], table: string, column: string): Promise<Attachment[]> {
  const form = new FormData();
  for (const file of files) form.append("files", file, file.name);
  const query = new URLSearchParams({ table, column });
  const headers: Record<string, string> = {};
  const key = currentApiKey();
  if (key !== null) headers["x-api-key"] = key;
  const response = await fetch(`${await studioApiUrl()}/rest/files/upload?${query}`, {
    method: "POST",
    headers,
    body: form,
  });
  const body = (await response.json().catch(() => null)) as {
    success?: boolean;
    data?: Attachment[];
    error?: string;
  } | null;
  if (!response.ok || body === null || !Array.isArray(body.data)) {
    throw new Error(body?.error ?? `The upload failed (${response.status})`);
  }
  return body.data;
}
