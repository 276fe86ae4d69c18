import {
  CompactSelection,
  type DataEditorRef,
  type EditableGridCell,
  type GridKeyEventArgs,
  type GridSelection,
  type Item,
} from "@glideapps/glide-data-grid";
import { useQueryClient } from "@tanstack/react-query";
import { type RefObject, useCallback, useState } from "react";
import type { RecordRow, RowsPage } from "../../../shared/api";
import { rowsViewKey } from "../api/rowsPages";
import { editedValue } from "../cells";
import { type GridContext, planCellEdits, planClear } from "../editing/plan";
import type { RowsView } from "../listQuery";
import { PAGE_SIZE } from "../pageWindow";
import { useClipboard } from "./useClipboard";
import { useRecordWrites } from "./useRecordWrites";

export const EMPTY_SELECTION: GridSelection = { columns: CompactSelection.empty(), rows: CompactSelection.empty() };

interface Options {
  table: string;
  view: RowsView;
  context: GridContext;
  grid: RefObject<DataEditorRef | null>;
  frame: RefObject<HTMLElement | null>;
  /** Keeps a new record the loaded pages do not show under the last row; returns its index. */
  pin: (id: unknown, row: RecordRow) => number;
}

export type RecordForm = { row: RecordRow | null } | null;

/** Editing in the grid: cell edits, clears, fill, clipboard, undo, insert, delete, and the record form. */
export function useGridEditing({ table, view, context, grid, frame, pin }: Options) {
  const queryClient = useQueryClient();
  const writes = useRecordWrites(table, context.primaryKey);
  const [selection, setSelection] = useState<GridSelection>(EMPTY_SELECTION);
  const [notice, setNotice] = useState<string | null>(null);
  const [form, setForm] = useState<RecordForm>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const { apply } = writes;

  useClipboard({ frame, selection, context, apply, notify: setNotice });

  const focusRow = useCallback(
    (row: number) => {
      // The first column a person can type into.
      const col = Math.max(0, context.editable.indexOf(true));
      grid.current?.scrollTo(col, row);
      setSelection({
        ...EMPTY_SELECTION,
        current: { cell: [col, row], range: { x: col, y: row, width: 1, height: 1 }, rangeStack: [] },
      });
    },
    [grid, context.editable],
  );

  /** Where a new record shows: its place in the loaded pages once they are fetched again, else under the last row. */
  const place = useCallback(
    async (row: RecordRow): Promise<number> => {
      const id = row[context.primaryKey];
      await queryClient.refetchQueries({ queryKey: rowsViewKey(table, view), type: "active" });
      for (const [key, data] of queryClient.getQueriesData<RowsPage>({ queryKey: rowsViewKey(table, view) })) {
        const page = key[3];
        const offset = data?.rows.findIndex((candidate) => String(candidate[context.primaryKey]) === String(id)) ?? -1;
        if (typeof page === "number" && offset >= 0) return page * PAGE_SIZE + offset;
      }
      return pin(id, row);
    },
    [context.primaryKey, queryClient, table, view, pin],
  );

  /** `POST {}` (every default); the new row's index once it is shown, or null when the server refused. */
  const addRecord = useCallback(async (): Promise<number | null> => {
    let row: RecordRow;
    try {
      row = await writes.create.mutateAsync({});
    } catch {
      // A column needs a value: ask for it in the form.
      setForm({ row: null });
      return null;
    }
    return place(row);
  }, [writes.create, place]);

  const selectedRows = selection.rows.toArray();
  const selectedIds = selectedRows.flatMap((index) => {
    const row = context.getRow(index);
    return row === undefined ? [] : [row[context.primaryKey]];
  });
  const focusedRow = selection.current === undefined ? undefined : context.getRow(selection.current.cell[1]);

  const onCellsEdited = useCallback(
    (items: readonly { location: Item; value: EditableGridCell }[]) => {
      const cells = items.flatMap(({ location: [col, row], value }) => {
        const column = context.columns[col];
        return column === undefined ? [] : [{ col, row, value: editedValue(column, value) }];
      });
      void apply(planCellEdits(cells, context));
      return true;
    },
    [context, apply],
  );

  const onDelete = useCallback(
    (chosen: GridSelection) => {
      if (chosen.current !== undefined) {
        for (const range of [chosen.current.range, ...chosen.current.rangeStack]) void apply(planClear(range, context));
      }
      return false;
    },
    [apply, context],
  );

  const onKeyDown = useCallback(
    (event: GridKeyEventArgs) => {
      if ((event.ctrlKey || event.metaKey) && !event.shiftKey && event.key.toLowerCase() === "z") {
        event.cancel();
        event.preventDefault();
        void writes.undo();
        return;
      }
      if (event.key !== " " || event.ctrlKey || event.metaKey || selection.current === undefined) return;
      event.cancel();
      event.preventDefault();
      const [col, rowIndex] = selection.current.cell;
      const column = context.columns[col];
      const row = context.getRow(rowIndex);
      if (row === undefined) return;
      if (column?.dataType === "checkbox" && context.editable[col] === true) {
        void apply(planCellEdits([{ col, row: rowIndex, value: row[column.name] !== true }], context));
      } else {
        setForm({ row });
      }
    },
    [writes, selection, context, apply],
  );

  const saveForm = async (changes: RecordRow): Promise<boolean> => {
    if (form?.row === null || form === null) {
      try {
        const created = await writes.create.mutateAsync(changes);
        const index = await place(created);
        window.setTimeout(() => focusRow(index), 50);
        return true;
      } catch {
        return false;
      }
    }
    const id = form.row[context.primaryKey];
    const before: RecordRow = {};
    for (const name of Object.keys(changes)) before[name] = form.row[name] ?? null;
    return apply({ after: [{ id, data: changes }], before: [{ id, data: before }] });
  };

  const deleteSelected = async () => {
    try {
      await writes.remove.mutateAsync(selectedIds);
      setSelection(EMPTY_SELECTION);
      setConfirmDelete(false);
    } catch {
      // shown in the dialog
    }
  };

  return {
    writes,
    selection,
    setSelection,
    notice,
    setNotice,
    form,
    setForm,
    saveForm,
    confirmDelete,
    setConfirmDelete,
    deleteSelected,
    selectedIds,
    focusedRow,
    focusRow,
    addRecord,
    onCellsEdited,
    onDelete,
    onKeyDown,
  };
}
