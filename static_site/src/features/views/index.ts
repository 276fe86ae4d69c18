export {
  type SavedView,
  useCanWriteViews,
  useViewMutations,
  useViews,
  type ViewType,
  viewKeys,
} from "./api/viewQueries";
export { ViewMenu, type ViewMenuProps } from "./components/ViewMenu";
export { isViewKind, KIND_LABELS, VIEW_KINDS, type ViewKind } from "./kinds";
export { latestOpened, pickView } from "./lastView";
export {
  kindStore,
  type LayoutCodec,
  SAVE_TEXT,
  type SaveState,
  useViewLayout,
  type ViewLayout,
  viewMenuProps,
} from "./useViewLayout";
