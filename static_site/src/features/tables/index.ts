import { lazy } from "react";

export { useTableDocument, useTables } from "./api/tableQueries";
export { TableSidebar } from "./components/TableSidebar";
export { TableTabs } from "./components/TableTabs";
export { tableLabel } from "./matchTables";

// The dialogs load when first opened, not with the shell.
export const TableEditor = lazy(() =>
  import("./components/TableEditor").then((module) => ({ default: module.TableEditor })),
);
export const DeleteTableDialog = lazy(() =>
  import("./components/DeleteTableDialog").then((module) => ({ default: module.DeleteTableDialog })),
);
