/** The "API key" form and the body of `POST /api-keys`. */

export type Scope = "rest" | "realtime" | "mcp" | "agent";
export const SCOPES: readonly { value: Scope; label: string }[] = [
  { value: "rest", label: "REST" },
  { value: "realtime", label: "Realtime" },
  { value: "mcp", label: "MCP" },
  { value: "agent", label: "Agent" },
];

export interface KeyForm {
  name: string;
  scopes: Record<Scope, boolean>;
  /** The tables the key may use; empty means every table. */
  tables: string[];
  readOnly: boolean;
  /** `YYYY-MM-DD` (a date input); the key works until the end of that day. Empty: never expires. */
  expiresOn: string;
  /** Requests per minute; empty: the server's default. */
  rateLimit: string;
}

export const EMPTY_KEY_FORM: KeyForm = {
  name: "",
  scopes: { rest: true, realtime: true, mcp: true, agent: true },
  tables: [],
  readOnly: false,
  expiresOn: "",
  rateLimit: "",
};

export interface CreateKeyBody {
  name: string;
  scopes: Record<Scope, boolean>;
  tables: string[] | null;
  readOnly: boolean;
  rateLimit: number | null;
  expiresAt: string | null;
}

/** The end of the chosen day in the browser's time zone, as an ISO instant. */
export function endOfDay(date: string): string {
  const [year, month, day] = date.split("-").map(Number);
  return new Date(year ?? 0, (month ?? 1) - 1, day ?? 1, 23, 59, 59).toISOString();
}

/** The body, or the first reason there is none. `now` is for tests. */
export function keyFormBody(form: KeyForm, now: Date = new Date()): { body: CreateKeyBody } | { error: string } {
  const name = form.name.trim();
  if (name === "") return { error: "Name is required" };
  if (name.length > 200) return { error: "Name must be at most 200 characters" };
  if (!Object.values(form.scopes).some(Boolean)) return { error: "Choose at least one scope" };
  let rateLimit: number | null = null;
  if (form.rateLimit.trim() !== "") {
    rateLimit = Number(form.rateLimit);
    if (!Number.isInteger(rateLimit) || rateLimit < 0 || rateLimit > 10_000_000) {
      return { error: "Rate limit must be a whole number of requests per minute" };
    }
  }
  let expiresAt: string | null = null;
  if (form.expiresOn !== "") {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(form.expiresOn)) return { error: "Expiry must be a date" };
    expiresAt = endOfDay(form.expiresOn);
    if (new Date(expiresAt) <= now) return { error: "Expiry must be in the future" };
  }
  return {
    body: {
      name,
      scopes: { ...form.scopes },
      tables: form.tables.length ? [...form.tables] : null,
      readOnly: form.readOnly,
      rateLimit,
      expiresAt,
    },
  };
}

/** What a key can do now: a revoked or expired key is refused (401), whatever else it says. */
export function keyStatus(key: { revoked: boolean; expiresAt: string | null }, now: Date): string {
  if (key.revoked) return "Revoked";
  if (key.expiresAt !== null && new Date(key.expiresAt) <= now) return "Expired";
  return "Active";
}
