import { QueryCache, QueryClient } from "@tanstack/react-query";
import { ApiError } from "../shared/api";

/** A refused key (revoked, expired) ends the session; other client errors are not worth retrying. */
export function createStudioQueryClient(onUnauthorized: () => void): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (error) => {
        if (error instanceof ApiError && error.status === 401) onUnauthorized();
      },
    }),
    defaultOptions: {
      queries: {
        retry: (failures, error) => !(error instanceof ApiError && error.status < 500) && failures < 2,
        refetchOnWindowFocus: false,
      },
    },
  });
}
