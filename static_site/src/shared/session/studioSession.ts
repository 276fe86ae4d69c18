/**
 * What a feature needs to open its own connections (an EventSource cannot use the API client):
 * the signed-in key and the API's base URL, read from where the shell keeps them.
 */
import { loadConfig, type StudioConfig } from "../api/config";
import { createApiKeyStore } from "./apiKeyStore";

export function currentApiKey(): string | null {
  return typeof window === "undefined" ? null : createApiKeyStore(window.sessionStorage).read();
}

let config: Promise<StudioConfig> | null = null;

/** Where the API is, as the shell resolved it (`/config.json`, else the page's origin); fetched once. */
export function studioConfig(): Promise<StudioConfig> {
  config ??= loadConfig(window.location.origin);
  return config;
}

/** The API's URL (see `studioConfig`). */
export function studioApiUrl(): Promise<string> {
  return studioConfig().then((loaded) => loaded.apiUrl);
}
