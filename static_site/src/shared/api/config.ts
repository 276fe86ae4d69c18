/** Where the studio finds the API: its own origin, unless the deployment wrote `/config.json`. */
export interface StudioConfig {
  apiUrl: string;
  /** The realtime WebSocket (on AWS, API Gateway's): when set, live updates use it, not SSE. */
  websocketUrl?: string;
  /** The map views' tile URL template (`{z}/{x}/{y}`), when the deployment names one; else OpenStreetMap's. */
  mapTilesUrl?: string;
}

/**
 * Reads `{apiUrl}` from `/config.json` (the AWS deployment writes it, since the UI and the API live on
 * different hosts there). Any miss falls back to the page's origin: no file, a network error, or
 * `polarbase serve`'s single-page fallback answering `index.html` (HTML, not JSON) for the path.
 */
export async function loadConfig(origin: string, fetchFn: typeof fetch = fetch): Promise<StudioConfig> {
  const fallback = { apiUrl: trimSlash(origin) };
  try {
    const response = await fetchFn(`${trimSlash(origin)}/config.json`, { cache: "no-store" });
    if (!response.ok) return fallback;
    const body: unknown = await response.json();
    const tiles =
      typeof body === "object" && body !== null ? (body as { mapTilesUrl?: unknown }).mapTilesUrl : undefined;
    const mapTiles = typeof tiles === "string" && tiles.trim() !== "" ? { mapTilesUrl: tiles.trim() } : {};
    if (isConfigFile(body) && body.apiUrl.trim() !== "") {
      const websocketUrl = (body as { websocketUrl?: unknown }).websocketUrl;
      return {
        apiUrl: trimSlash(body.apiUrl.trim()),
        ...(typeof websocketUrl === "string" && websocketUrl.trim() !== ""
          ? { websocketUrl: websocketUrl.trim() }
          : {}),
        ...mapTiles,
      };
    }
    return { ...fallback, ...mapTiles };
  } catch {
    return fallback;
  }
}

function isConfigFile(body: unknown): body is { apiUrl: string } {
  return typeof body === "object" && body !== null && typeof (body as { apiUrl?: unknown }).apiUrl === "string";
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
