import "@glideapps/glide-data-grid/dist/index.css";
import "../grid.css";
import {
  DataEditor,
  type DataEditorRef,
  type GridCell,
  GridCellKind,
  type GridColumn,
  type Item,
  type Rectangle,
} from "@glideapps/glide-data-grid";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { queryKeys, type RecordRow, type TableDocument, type TableSummary } from "../../../shared/api";
import { useDebouncedValue } from "../../../shared/hooks/useDebouncedValue";
import { ConfirmDialog } from "../../../shared/ui/ConfirmDialog";
import { ErrorMessage } from "../../../shared/ui/ErrorMessage";
import { useGridTheme } from "../../../shared/ui/themeHooks";
import { viewMenuProps } from "../../views";
import { groupFilter } from "../aggregates";
import { isEditable, toGridCell } from "../cells";
import { toGridColumns } from "../columns";
import { type Field, referenceAlias } from "../editing/fields";
import type { GridContext } from "../editing/plan";
import { toWhereFilter } from "../filters/filterModel";
import { useAddedRows } from "../hooks/useAddedRows";
import { useGridEditing } from "../hooks/useGridEditing";
import { useLiveUpdates } from "../hooks/useLiveUpdates";
import { type SavedLayout, useSavedLayout } from "../hooks/useSavedLayout";
import { useTableRows } from "../hooks/useTableRows";
import { moveColumn, ROW_HEIGHTS, visibleColumns } from "../layout";
import { cycleSort, type RowsView } from "../listQuery";
import type { RowRange } from "../pageWindow";
import { SORT_ICONS, withSortIcons } from "../sortIcons";
import { GridFooter } from "./GridFooter";
import { GroupPanel } from "./GroupPanel";
import { RecordDialog } from "./RecordDialog";
import { GridToolbar } from "./toolbar/GridToolbar";
import { RecordActions } from "./toolbar/RecordActions";
import { valueCellRenderer } from "./valueCellRenderer";

const LOADING_CELL: GridCell = { kind: GridCellKind.Loading, allowOverlay: false };
// Fetch for where the scroll settles, not for every frame a scrollbar drag passes through.
const FETCH_SETTLE_MS = 60;
// Typing in the search box or a filter value asks the server once the typing pauses.
const QUERY_SETTLE_MS = 300;
// Space opens the record form (or toggles a checkbox), so only Enter activates a cell.
const KEYBINDINGS = { activateCell: "Enter|shift+Enter", copy: false, cut: false, paste: false } as const;
const TRAILING_ROW = { hint: "Add record", sticky: true, tint: true } as const;

/** The spreadsheet over one table: its saved layout, a toolbar, rows from the server as they scroll into view. */
export function TableGrid({ table }: { table: TableDocument }) {
  const saved = useSavedLayout(table);
  if (!saved.ready) return <p className="muted">Loading the layout…</p>;
  return <GridWorkspace table={table} saved={saved} />;
}

function GridWorkspace({ table, saved }: { table: TableDocument; saved: SavedLayout }) {
  const { primaryKey } = table;
  const schema = table.schema as Field[];
  const queryClient = useQueryClient();
  // Labels of referenced rows come with the rows (`expand`), for the tables this key may read.
  const expand = useMemo(() => {
    const readable = new Set(
      (queryClient.getQueryData<TableSummary[]>(queryKeys.tables) ?? []).map((summary) => summary.name),
    );
    return schema
      .filter(
        (column) =>
          column.dataType === "reference" && column.foreignKey != null && readable.has(column.foreignKey.table),
      )
      .map((column) => `${column.name}:${referenceAlias(column.name)}`);
  }, [schema, queryClient]);
  const { layout, setLayout } = saved;
  const [search, setSearch] = useState("");
  const [openGroup, setOpenGroup] = useState<unknown[] | null>(null);
  const live = useLiveUpdates(table.name, primaryKey.name);

  const where = useMemo(() => toWhereFilter(layout.filter, schema), [layout.filter, schema]);
  const whereText = JSON.stringify(where);
  const grouped = layout.groupBy.length > 0;
  const groupKey = JSON.stringify([layout.groupBy, openGroup]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed by value (whereText, groupKey): a new filter tree that filters the same is the same view, and the same cache entries
  const requested = useMemo<RowsView>(() => {
    const filter = grouped && openGroup !== null ? groupFilter(layout.groupBy, openGroup, where) : where;
    return { sort: layout.sort, filter, search, expand };
  }, [whereText, layout.sort, search, groupKey, expand]);
  const view = useDebouncedValue(requested, QUERY_SETTLE_MS);
  const settledWhere = useDebouncedValue(where, QUERY_SETTLE_MS);

  // biome-ignore lint/correctness/useExhaustiveDependencies: another grouping closes the open group
  useEffect(() => setOpenGroup(null), [layout.groupBy]);

  const [visible, setVisible] = useState<RowRange>({ first: 0, count: 50 });
  const rows = useTableRows(table.name, view, useDebouncedValue(visible, FETCH_SETTLE_MS));
  const gridRef = useRef<DataEditorRef>(null);
  const frameRef = useRef<HTMLDivElement>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: another filter, sort or search starts again from the first page
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
  const serverRows = rows.rowCount;
  // biome-ignore lint/correctness/useExhaustiveDependencies: it reads the cache, so it must change when a page arrives (rows.getRow does): the page may show an added record
  const isShown = useCallback(
    (id: unknown) => {
      for (const [key, data] of queryClient.getQueriesData<{ rows: RecordRow[] }>({
        queryKey: ["rows", table.name, view],
      })) {
        if (typeof key[3] === "number" && data?.rows.some((row) => String(row[primaryKey.name]) === String(id)))
          return true;
      }
      return false;
    },
    [queryClient, table.name, view, primaryKey, rows.getRow],
  );
  const added = useAddedRows(table.name, view, isShown);
  const rowCount = serverRows + added.rows.length;
  const getRow = useCallback(
    (index: number) => (index < serverRows ? rows.getRow(index) : added.rows[index - serverRows]),
    [rows.getRow, serverRows, added.rows],
  );
  const context = useMemo<GridContext>(
    () => ({ columns: shown, editable, primaryKey: primaryKey.name, rowCount, getRow }),
    [shown, editable, primaryKey, rowCount, getRow],
  );
  const pin = useCallback(
    (id: unknown, row: RecordRow) => {
      added.add(id, row);
      return serverRows + added.rows.length;
    },
    [added, serverRows],
  );
  const editing = useGridEditing({ table: table.name, view, context, grid: gridRef, frame: frameRef, pin });
  const { writes } = editing;
  const renderers = useMemo(() => [valueCellRenderer(table.name)], [table.name]);

  const getCellContent = useCallback(
    ([col, rowIndex]: Item): GridCell => {
      const column = shown[col];
      const row = getRow(rowIndex);
      if (column === undefined || row === undefined) return LOADING_CELL;
      const cell = toGridCell(column, row[column.name], editable[col] === true, row);
      return wrap && cell.kind === GridCellKind.Text ? { ...cell, allowWrapping: true } : cell;
    },
    [shown, getRow, editable, wrap],
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
      if (name !== undefined)
        setLayout((current) => ({ ...current, widths: { ...current.widths, [name]: Math.round(width) } }));
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
        views={viewMenuProps(saved)}
        saveState={saved.saveState}
        saveError={saved.saveError}
        records={
          <RecordActions
            selectedCount={editing.selectedIds.length}
            canOpen={editing.focusedRow !== undefined}
            canUndo={writes.canUndo}
            adding={writes.create.isPending}
            onAdd={() =>
              void editing.addRecord().then((index) => {
                if (index !== null) window.setTimeout(() => editing.focusRow(index), 50);
              })
            }
            onOpen={() => editing.focusedRow !== undefined && editing.setForm({ row: editing.focusedRow })}
            onDelete={() => editing.setConfirmDelete(true)}
            onUndo={() => void writes.undo()}
          />
        }
      />
      <ErrorMessage error={saved.viewsError} />
      <ErrorMessage error={rows.error} />
      <ErrorMessage error={writes.error} onDismiss={writes.reset} />
      <ErrorMessage error={editing.notice} onDismiss={() => editing.setNotice(null)} />
      <div className="grid-body">
        {grouped && (
          <GroupPanel
            table={table.name}
            schema={schema}
            groupBy={layout.groupBy}
            where={settledWhere}
            search={view.search ?? ""}
            selected={openGroup}
            onSelect={setOpenGroup}
          />
        )}
        <div className="grid-frame" ref={frameRef}>
          <DataEditor
            ref={gridRef}
            columns={columns}
            rows={rowCount}
            getCellContent={getCellContent}
            customRenderers={renderers}
            theme={useGridTheme()}
            onCellsEdited={editing.onCellsEdited}
            onDelete={editing.onDelete}
            onKeyDown={editing.onKeyDown}
            keybindings={KEYBINDINGS}
            gridSelection={editing.selection}
            onGridSelectionChange={editing.setSelection}
            rowMarkers="checkbox"
            rowSelectionMode="multi"
            fillHandle
            trailingRowOptions={TRAILING_ROW}
            onRowAppended={async () => (await editing.addRecord()) ?? undefined}
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
        search={view.search ?? ""}
        rowText={
          rows.isLoadingFirstPage
            ? "Loading rows…"
            : `${rowCount.toLocaleString("en")} ${rowCount === 1 ? "row" : "rows"}`
        }
        live={live}
      />
      {editing.form !== null && (
        <RecordDialog
          table={table.name}
          schema={schema}
          primaryKey={primaryKey.name}
          row={editing.form.row}
          onClose={() => {
            editing.setForm(null);
            writes.reset();
          }}
          onSave={editing.saveForm}
          pending={writes.create.isPending}
          error={writes.error}
        />
      )}
      {editing.confirmDelete && (
        <ConfirmDialog
          title="Delete records"
          confirmLabel="Delete"
          onConfirm={() => void editing.deleteSelected()}
          onClose={() => editing.setConfirmDelete(false)}
          pending={writes.remove.isPending}
          error={writes.remove.error}
        >
          <p>
            Delete {editing.selectedIds.length} record{editing.selectedIds.length === 1 ? "" : "s"} of {table.name}?
            This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
