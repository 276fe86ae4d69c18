export { ApiProvider, useApi } from "./ApiContext";
export { ApiError, createApiClient, type ApiClient } from "./client";
export { loadConfig, type StudioConfig } from "./config";
export type * from "./types";
export { queryKeys } from "./queryKeys";
