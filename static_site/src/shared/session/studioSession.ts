/**
 * What a feature needs to open its own connections (an EventSource cannot use the API client):
 * the signed-in key and the API's base URL, read from where the shell keeps them.
 */
import { loadConfig } from "../api/config";
import { createApiKeyStore } from "./apiKeyStore";

export function currentApiKey(): string | null {
  return typeof window === "undefined" ? null : createApiKeyStore(window.sessionStorage).read();
}

let apiUrl: Promise<string> | null = null;

/** The API's URL, as the shell resolved it (`/config.json`, else the page's origin); fetched once. */
export function studioApiUrl(): Promise<string> {
  apiUrl ??= loadConfig(window.location.origin).then((config) => config.apiUrl);
  return apiUrl;
}
