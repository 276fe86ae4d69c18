import type { ReactNode } from "react";
import type { Column } from "../../../../shared/api";
import { Popover } from "../../../../shared/ui/Popover";
import { SAVE_TEXT, type SaveState, ViewMenu, type ViewMenuProps } from "../../../views";
import { countConditions } from "../../filters/filterModel";
import { type GridLayout, ROW_HEIGHTS, type RowHeight, visibleColumns } from "../../layout";
import { ColumnMenu } from "./ColumnMenu";
import { FilterBuilder } from "./FilterBuilder";
import { GroupMenu } from "./GroupMenu";
import { SortEditor } from "./SortEditor";
import { SummaryMenu } from "./SummaryMenu";

const HEIGHT_LABELS: Record<RowHeight, string> = { S: "Small", M: "Medium", L: "Large", XL: "Extra large" };

export interface GridToolbarProps {
  schema: readonly Column[];
  layout: GridLayout;
  setLayout: (change: (layout: GridLayout) => GridLayout) => void;
  search: string;
  onSearch: (search: string) => void;
  views: ViewMenuProps;
  saveState: SaveState;
  saveError: string | null;
  /** The record buttons (add, open, delete, undo). */
  records?: ReactNode;
}

/** Above the grid: views, search, filter, sort, group, columns, summaries, row height, and whether the layout is saved. */
export function GridToolbar({
  schema,
  layout,
  setLayout,
  search,
  onSearch,
  views,
  saveState,
  saveError,
  records,
}: GridToolbarProps) {
  const conditions = countConditions(layout.filter);
  const patch = (change: Partial<GridLayout>) => setLayout((current) => ({ ...current, ...change }));
  const hiddenCount = layout.hidden.length;
  return (
    <div role="toolbar" aria-label="Grid tools" className="grid-toolbar">
      <ViewMenu {...views} />
      {records}
      <input
        type="search"
        className="grid-search"
        aria-label="Search records"
        placeholder="Search…"
        value={search}
        onChange={(event) => onSearch(event.target.value)}
      />
      <Popover label="Filter" content={conditions === 0 ? "Filter" : `Filter (${conditions})`} className="wide">
        {() => <FilterBuilder schema={schema} filter={layout.filter} onChange={(filter) => patch({ filter })} />}
      </Popover>
      <Popover label="Sort" content={layout.sort.length === 0 ? "Sort" : `Sort (${layout.sort.length})`}>
        {() => <SortEditor schema={schema} sort={layout.sort} onChange={(sort) => patch({ sort })} />}
      </Popover>
      <Popover label="Group" content={layout.groupBy.length === 0 ? "Group" : `Group (${layout.groupBy.length})`}>
        {() => <GroupMenu schema={schema} groupBy={layout.groupBy} onChange={(groupBy) => patch({ groupBy })} />}
      </Popover>
      <Popover
        label="Column options"
        content={hiddenCount === 0 ? "Column options" : `Column options (${hiddenCount} hidden)`}
      >
        {() => <ColumnMenu schema={schema} layout={layout} onChange={setLayout} />}
      </Popover>
      <Popover label="Summaries">
        {() => (
          <SummaryMenu
            columns={visibleColumns(layout, schema)}
            aggregates={layout.aggregates}
            onChange={(aggregates) => patch({ aggregates })}
          />
        )}
      </Popover>
      <label className="inline-label">
        Row height
        <select
          aria-label="Row height"
          value={layout.rowHeight}
          onChange={(event) => patch({ rowHeight: event.target.value as RowHeight })}
        >
          {(Object.keys(ROW_HEIGHTS) as RowHeight[]).map((height) => (
            <option key={height} value={height}>
              {HEIGHT_LABELS[height]} ({ROW_HEIGHTS[height]} px)
            </option>
          ))}
        </select>
      </label>
      <span role="status" className="save-state" title={saveError ?? undefined}>
        {SAVE_TEXT[saveState]}
      </span>
    </div>
  );
}
