import { lazy } from "react";

// The keys page loads when first opened, not with the shell.
export const ApiKeysPage = lazy(() =>
  import("./components/ApiKeysPage").then((module) => ({ default: module.ApiKeysPage })),
);
