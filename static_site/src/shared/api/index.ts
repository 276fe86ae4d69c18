export { ApiProvider, useApi } from "./ApiContext";
export { type ApiClient, ApiError, createApiClient } from "./client";
export { loadConfig, type StudioConfig } from "./config";
export { queryKeys } from "./queryKeys";
export type * from "./types";
