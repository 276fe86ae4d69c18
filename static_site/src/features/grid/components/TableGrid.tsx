import "@glideapps/glide-data-grid/dist/index.css";
import "../grid.css";
import {
  DataEditor,
  GridCellKind,
  type DataEditorRef,
  type EditableGridCell,
  type GridCell,
  type GridColumn,
  type Item,
  type Rectangle,
} from "@glideapps/glide-data-grid";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { TableDocument } from "../../../shared/api";
import { useDebouncedValue } from "../../../shared/hooks/useDebouncedValue";
import { ErrorMessage } from "../../../shared/ui/ErrorMessage";
import { groupFilter } from "../aggregates";
import { editedValue, isEditable, toGridCell } from "../cells";
import { toGridColumns } from "../columns";
import { toWhereFilter } from "../filters/filterModel";
import { useCellEdit } from "../hooks/useCellEdit";
import { useLiveUpdates } from "../hooks/useLiveUpdates";
import { useSavedLayout, type SavedLayout } from "../hooks/useSavedLayout";
import { useTableRows } from "../hooks/useTableRows";
import { moveColumn, ROW_HEIGHTS, visibleColumns } from "../layout";
import { cycleSort, type RowsView } from "../listQuery";
import type { RowRange } from "../pageWindow";
import { SORT_ICONS, withSortIcons } from "../sortIcons";
import { GridFooter } from "./GridFooter";
import { GroupPanel } from "./GroupPanel";
import { GridToolbar } from "./toolbar/GridToolbar";

const LOADING_CELL: GridCell = { kind: GridCellKind.Loading, allowOverlay: false };
// Fetch for where the scroll settles, not for every frame a scrollbar drag passes through.
const FETCH_SETTLE_MS = 60;
// Typing in the search box or a filter value asks the server once the typing pauses.
const QUERY_SETTLE_MS = 300;

/** The spreadsheet over one table: its saved layout, a toolbar, rows from the server as they scroll into view. */
export function TableGrid({ table }: { table: TableDocument }) {
  const saved = useSavedLayout(table);
  if (!saved.ready) return <p className="muted">Loading the layout…</p>;
  return <GridWorkspace table={table} saved={saved} />;
}

function GridWorkspace({ table, saved }: { table: TableDocument; saved: SavedLayout }) {
  const { schema, primaryKey } = table;
  const { layout, setLayout } = saved;
  const [search, setSearch] = useState("");
  const [openGroup, setOpenGroup] = useState<unknown[] | null>(null);
  const live = useLiveUpdates(table.name, primaryKey.name);

  const where = useMemo(() => toWhereFilter(layout.filter, schema), [layout.filter, schema]);
  const whereText = JSON.stringify(where);
  const grouped = layout.groupBy.length > 0;
  const groupKey = JSON.stringify([layout.groupBy, openGroup]);
  const requested = useMemo<RowsView>(() => {
    const filter = grouped && openGroup !== null ? groupFilter(layout.groupBy, openGroup, where) : where;
    return { sort: layout.sort, filter, search };
    // Keyed by value: a new filter tree that filters the same is the same view (and the same cache entries).
  }, [whereText, layout.sort, search, groupKey]);
  const view = useDebouncedValue(requested, QUERY_SETTLE_MS);
  const settledWhere = useDebouncedValue(where, QUERY_SETTLE_MS);

  useEffect(() => setOpenGroup(null), [layout.groupBy]);

  const [visible, setVisible] = useState<RowRange>({ first: 0, count: 50 });
  const rows = useTableRows(table.name, view, useDebouncedValue(visible, FETCH_SETTLE_MS));
  const edit = useCellEdit(table.name, view);
  const gridRef = useRef<DataEditorRef>(null);

  // Another filter, sort or search starts again from the first page.
  useEffect(() => {
    gridRef.current?.scrollTo(0, 0, "vertical");
    setVisible((current) => ({ first: 0, count: current.count }));
  }, [view]);

  const shown = useMemo(() => visibleColumns(layout, schema), [layout, schema]);
  const columns = useMemo<GridColumn[]>(
    () =>
      withSortIcons(toGridColumns(shown), layout.sort).map((column) => {
        const width = layout.widths[column.id ?? ""];
        return width === undefined ? column : { ...column, width };
      }),
    [shown, layout.sort, layout.widths],
  );
  const editable = useMemo(() => shown.map((column) => isEditable(column, primaryKey.name)), [shown, primaryKey]);
  const wrap = layout.rowHeight !== "S";
  const { getRow } = rows;

  const getCellContent = useCallback(
    ([col, rowIndex]: Item): GridCell => {
      const column = shown[col];
      const row = getRow(rowIndex);
      if (column === undefined || row === undefined) return LOADING_CELL;
      const cell = toGridCell(column, row[column.name], editable[col] === true);
      return wrap && cell.kind === GridCellKind.Text ? { ...cell, allowWrapping: true } : cell;
    },
    [shown, getRow, editable, wrap],
  );

  const onCellEdited = useCallback(
    ([col, rowIndex]: Item, cell: EditableGridCell) => {
      const column = shown[col];
      const row = getRow(rowIndex);
      if (column === undefined || row === undefined || editable[col] !== true) return;
      edit.mutate({ rowIndex, id: row[primaryKey.name], column: column.name, value: editedValue(column, cell) });
    },
    [shown, getRow, editable, primaryKey, edit],
  );

  const onVisibleRegionChanged = useCallback((range: Rectangle) => {
    setVisible((current) =>
      current.first === range.y && current.count === range.height ? current : { first: range.y, count: range.height },
    );
  }, []);

  const onHeaderClicked = useCallback(
    (col: number) => {
      const column = shown[col];
      if (column !== undefined) setLayout((current) => ({ ...current, sort: cycleSort(current.sort, column.name) }));
    },
    [shown, setLayout],
  );

  const onColumnResize = useCallback(
    (column: GridColumn, width: number) => {
      const name = column.id;
      if (name !== undefined) setLayout((current) => ({ ...current, widths: { ...current.widths, [name]: Math.round(width) } }));
    },
    [setLayout],
  );

  const onColumnMoved = useCallback(
    (from: number, to: number) => setLayout((current) => moveColumn(current, schema, from, to)),
    [setLayout, schema],
  );

  return (
    <section className="grid-area" aria-label={`Records of ${table.name}`}>
      <GridToolbar
        schema={schema}
        layout={layout}
        setLayout={setLayout}
        search={search}
        onSearch={setSearch}
        views={{ views: saved.views, current: saved.current, canWrite: saved.canWrite, ...saved.actions }}
        saveState={saved.saveState}
        saveError={saved.saveError}
      />
      <ErrorMessage error={saved.viewsError} />
      <ErrorMessage error={rows.error} />
      <ErrorMessage error={edit.error} onDismiss={edit.reset} />
      <div className="grid-body">
        {grouped && (
          <GroupPanel
            table={table.name}
            schema={schema}
            groupBy={layout.groupBy}
            where={settledWhere}
            selected={openGroup}
            onSelect={setOpenGroup}
          />
        )}
        <div className="grid-frame">
          <DataEditor
            ref={gridRef}
            columns={columns}
            rows={rows.rowCount}
            getCellContent={getCellContent}
            onCellEdited={onCellEdited}
            onVisibleRegionChanged={onVisibleRegionChanged}
            onHeaderClicked={onHeaderClicked}
            onColumnResize={onColumnResize}
            onColumnMoved={onColumnMoved}
            freezeColumns={Math.min(layout.frozen, columns.length)}
            rowHeight={ROW_HEIGHTS[layout.rowHeight]}
            headerIcons={SORT_ICONS}
            width="100%"
            height="100%"
            smoothScrollX
            smoothScrollY
          />
        </div>
      </div>
      <GridFooter
        table={table.name}
        columns={shown}
        aggregates={layout.aggregates}
        where={view.filter}
        rowText={rows.isLoadingFirstPage ? "Loading rows…" : `${rows.rowCount.toLocaleString("en")} rows`}
        live={live}
      />
    </section>
  );
}
