export { TableViews } from "./components/TableViews";
