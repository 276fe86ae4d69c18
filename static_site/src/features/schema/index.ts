import { lazy } from "react";

// Schema editing loads when first opened, not with the shell.
export const ColumnsPanel = lazy(() =>
  import("./components/ColumnsPanel").then((module) => ({ default: module.ColumnsPanel })),
);
export const IndexesPage = lazy(() =>
  import("./components/IndexesPage").then((module) => ({ default: module.IndexesPage })),
);
