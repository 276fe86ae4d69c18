export { useCanWriteViews, useViewMutations, useViews, viewKeys, type SavedView, type ViewType } from "./api/viewQueries";
export { ViewMenu, type ViewMenuProps } from "./components/ViewMenu";
export { latestOpened, pickView } from "./lastView";
