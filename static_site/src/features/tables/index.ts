export { useTableDocument } from "./api/tableQueries";
export { TableSidebar } from "./components/TableSidebar";
export { TableTabs } from "./components/TableTabs";
