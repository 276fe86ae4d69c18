import type { TableDocument } from "../../../shared/api";
import { type LayoutCodec, useViewLayout } from "../../views";
import { fromViewConfig, type GridLayout, toViewConfig } from "../layout";

export type { SaveState } from "../../views";

const GRID_CODEC: LayoutCodec<GridLayout> = { read: fromViewConfig, write: toViewConfig };

/**
 * The grid's layout and the saved view it belongs to, as every kind of view keeps them
 * (`useViewLayout`): the last view opened comes back, every change is saved after a pause, and a
 * read-only key changes the layout on screen only and says so.
 */
export function useSavedLayout(table: TableDocument) {
  return useViewLayout(table.name, table.schema, "grid", GRID_CODEC);
}

export type SavedLayout = ReturnType<typeof useSavedLayout>;
