import "@glideapps/glide-data-grid/dist/index.css";
import {
  DataEditor,
  GridCellKind,
  type EditableGridCell,
  type GridCell,
  type Item,
  type Rectangle,
} from "@glideapps/glide-data-grid";
import { useCallback, useMemo, useState } from "react";
import type { TableDocument } from "../../../shared/api";
import { useDebouncedValue } from "../../../shared/hooks/useDebouncedValue";
import { ErrorMessage } from "../../../shared/ui/ErrorMessage";
import { editedValue, isEditable, toGridCell } from "../cells";
import { toGridColumns } from "../columns";
import { useCellEdit } from "../hooks/useCellEdit";
import { useTableRows } from "../hooks/useTableRows";
import { cycleSort, DEFAULT_VIEW, type RowsView } from "../listQuery";
import type { RowRange } from "../pageWindow";
import { SORT_ICONS, withSortIcons } from "../sortIcons";

const LOADING_CELL: GridCell = { kind: GridCellKind.Loading, allowOverlay: false };
// Fetch for where the scroll settles, not for every frame a scrollbar drag passes through.
const FETCH_SETTLE_MS = 60;

/** The spreadsheet over one table: columns from its schema, rows from the server as they scroll into view. */
export function TableGrid({ table }: { table: TableDocument }) {
  const [view, setView] = useState<RowsView>(DEFAULT_VIEW);
  const [visible, setVisible] = useState<RowRange>({ first: 0, count: 50 });
  const rows = useTableRows(table.name, view, useDebouncedValue(visible, FETCH_SETTLE_MS));
  const edit = useCellEdit(table.name, view);

  const { schema, primaryKey } = table;
  const columns = useMemo(() => withSortIcons(toGridColumns(schema), view.sort), [schema, view.sort]);
  const editable = useMemo(() => schema.map((column) => isEditable(column, primaryKey.name)), [schema, primaryKey]);
  const { getRow } = rows;

  const getCellContent = useCallback(
    ([col, rowIndex]: Item): GridCell => {
      const column = schema[col];
      const row = getRow(rowIndex);
      if (column === undefined || row === undefined) return LOADING_CELL;
      return toGridCell(column, row[column.name], editable[col] === true);
    },
    [schema, getRow, editable],
  );

  const onCellEdited = useCallback(
    ([col, rowIndex]: Item, cell: EditableGridCell) => {
      const column = schema[col];
      const row = getRow(rowIndex);
      if (column === undefined || row === undefined || editable[col] !== true) return;
      edit.mutate({ rowIndex, id: row[primaryKey.name], column: column.name, value: editedValue(column, cell) });
    },
    [schema, getRow, editable, primaryKey, edit],
  );

  const onVisibleRegionChanged = useCallback((range: Rectangle) => {
    setVisible((current) =>
      current.first === range.y && current.count === range.height ? current : { first: range.y, count: range.height },
    );
  }, []);

  const onHeaderClicked = useCallback(
    (col: number) => {
      const column = schema[col];
      if (column !== undefined) setView((current) => ({ ...current, sort: cycleSort(current.sort, column.name) }));
    },
    [schema],
  );

  return (
    <section className="grid-area" aria-label={`Records of ${table.name}`}>
      <ErrorMessage error={rows.error} />
      <ErrorMessage error={edit.error} onDismiss={edit.reset} />
      <div className="grid-frame">
        <DataEditor
          columns={columns}
          rows={rows.rowCount}
          getCellContent={getCellContent}
          onCellEdited={onCellEdited}
          onVisibleRegionChanged={onVisibleRegionChanged}
          onHeaderClicked={onHeaderClicked}
          headerIcons={SORT_ICONS}
          width="100%"
          height="100%"
          smoothScrollX
          smoothScrollY
        />
      </div>
      <p className="grid-status" aria-live="polite">
        {rows.isLoadingFirstPage ? "Loading rows…" : `${rows.rowCount.toLocaleString("en")} rows`}
      </p>
    </section>
  );
}
