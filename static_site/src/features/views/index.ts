export {
  type SavedView,
  useCanWriteViews,
  useViewMutations,
  useViews,
  type ViewType,
  viewKeys,
} from "./api/viewQueries";
export { ViewMenu, type ViewMenuProps } from "./components/ViewMenu";
export { latestOpened, pickView } from "./lastView";
