export { RelationsPage } from "./RelationsPage";
