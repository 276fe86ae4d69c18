import type { GridColumn, SpriteMap } from "@glideapps/glide-data-grid";
import type { SortSpec } from "./listQuery";

const arrow = (path: string) => (props: { fgColor: string }) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20" viewBox="0 0 20 20"><path d="${path}" fill="none" stroke="${props.fgColor}" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/></svg>`;

/** Header sprites for a sorted column; the title stays the column's name for readers and tests. */
export const SORT_ICONS: SpriteMap = {
  sortAscending: arrow("M10 16V4M5 9l5-5 5 5"),
  sortDescending: arrow("M10 4v12M5 11l5 5 5-5"),
};

export function withSortIcons(columns: GridColumn[], sort: readonly SortSpec[]): GridColumn[] {
  return columns.map((column) => {
    const spec = sort.find(({ column: name }) => name === column.id);
    if (spec === undefined) return column;
    return { ...column, icon: spec.direction === "asc" ? "sortAscending" : "sortDescending" };
  });
}
