export { TableGrid } from "./components/TableGrid";
