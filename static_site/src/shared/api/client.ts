/** The one HTTP client of the studio: sends the key, unwraps the envelope, raises the API's message. */

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface RequestOptions {
  query?: URLSearchParams;
  body?: unknown;
  signal?: AbortSignal;
}

export interface ApiClient {
  request<T>(method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", path: string, options?: RequestOptions): Promise<T>;
}

export function createApiClient(baseUrl: string, apiKey: string | null, fetchFn: typeof fetch = fetch): ApiClient {
  return {
    async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
      const query = options.query?.toString();
      const headers: Record<string, string> = {};
      if (apiKey !== null) headers["x-api-key"] = apiKey;
      if (options.body !== undefined) headers["content-type"] = "application/json";
      const init: RequestInit = { method, headers };
      if (options.body !== undefined) init.body = JSON.stringify(options.body);
      if (options.signal !== undefined) init.signal = options.signal;
      const response = await fetchFn(`${baseUrl}${path}${query ? `?${query}` : ""}`, init);
      const body = await readJson(response);
      if (!response.ok) throw toApiError(response.status, body);
      return unwrap(body) as T;
    },
  };
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** REST answers come as `{success, data}`; `/auth` and `/api-keys` answer raw JSON. */
function unwrap(body: unknown): unknown {
  if (isObject(body) && body.success === true && "data" in body) return body.data;
  return body;
}

function toApiError(status: number, body: unknown): ApiError {
  if (isObject(body) && typeof body.error === "string") {
    return new ApiError(body.error, status, typeof body.code === "string" ? body.code : null);
  }
  return new ApiError(`The server answered ${status}`, status, null);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
