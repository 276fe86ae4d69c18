// For the other kinds of view, which filter, label and edit records as the grid does.
export { columnTitle } from "./columns";
export { RecordDialog } from "./components/RecordDialog";
export { TableGrid } from "./components/TableGrid";
export { FilterBuilder, type FilterBuilderProps } from "./components/toolbar/FilterBuilder";
export { type Field, isPoint } from "./editing/fields";
export {
  countConditions,
  emptyGroup,
  type FilterGroup,
  readFilterTree,
  toWhereFilter,
  writeFilterTree,
} from "./filters/filterModel";
export { LIVE_TEXT, type LiveState, useTableFeed } from "./hooks/useTableFeed";
export type { WhereFilter } from "./listQuery";
