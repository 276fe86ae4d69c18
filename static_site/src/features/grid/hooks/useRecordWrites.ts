import { type QueryClient, useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { type RecordRow, type RowsPage, useApi } from "../../../shared/api";
import { bulkDelete, bulkUpdate, createRecord } from "../api/records";
import { type Edit, type RowChange, UndoStack, undoBody } from "../editing/undo";
import { aggregateKey } from "./useAggregate";

/** Writes each row (matched by key) into every cached page of the table. */
function writeRows(
  queryClient: QueryClient,
  table: string,
  primaryKey: string,
  rows: ReadonlyMap<string, (row: RecordRow) => RecordRow>,
) {
  for (const [queryKey, data] of queryClient.getQueriesData<RowsPage>({ queryKey: ["rows", table] })) {
    if (data === undefined || !data.rows.some((row) => rows.has(String(row[primaryKey])))) continue;
    queryClient.setQueryData<RowsPage>(queryKey, {
      ...data,
      rows: data.rows.map((row) => rows.get(String(row[primaryKey]))?.(row) ?? row),
    });
  }
}

const merging = (changes: readonly RowChange[]) =>
  new Map(changes.map(({ id, data }) => [String(id), (row: RecordRow) => ({ ...row, ...data })]));

/**
 * Every write of the grid and the record form: cell edits, pastes, fills and clears go through one
 * `bulk-update` (shown at once, all taken back when the server refuses); the last edits can be undone.
 */
export function useRecordWrites(table: string, primaryKey: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  const undo = useRef(new UndoStack());
  const [undoCount, setUndoCount] = useState(0);

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ["rows", table] });
    void queryClient.invalidateQueries({ queryKey: aggregateKey(table) });
  };

  const update = useMutation({
    mutationFn: ({ edit }: { edit: Edit; isUndo: boolean }) => bulkUpdate(api, table, edit.after),
    onMutate: ({ edit }) => {
      writeRows(queryClient, table, primaryKey, merging(edit.after));
    },
    onError: (_error, { edit, isUndo }) => {
      writeRows(queryClient, table, primaryKey, merging(edit.before));
      if (isUndo) {
        // The edit is still there to undo: put it back.
        undo.current.push({ after: edit.before, before: edit.after });
        setUndoCount(undo.current.size);
      }
    },
    onSuccess: (rows, { edit, isUndo }) => {
      writeRows(queryClient, table, primaryKey, new Map(rows.map((row) => [String(row[primaryKey]), () => row])));
      if (!isUndo) undo.current.push(edit);
      setUndoCount(undo.current.size);
      void queryClient.invalidateQueries({ queryKey: aggregateKey(table) });
    },
  });

  const create = useMutation({
    mutationFn: (data: RecordRow) => createRecord(api, table, data),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: aggregateKey(table) }),
  });

  const remove = useMutation({
    mutationFn: (ids: readonly unknown[]) => bulkDelete(api, table, ids),
    onSuccess: refresh,
  });

  return {
    /** Writes an edit; resolves false when the server refused it (its message is in `error`). */
    apply: async (edit: Edit): Promise<boolean> => {
      if (edit.after.length === 0) return true;
      try {
        await update.mutateAsync({ edit, isUndo: false });
        return true;
      } catch {
        return false;
      }
    },
    undo: async () => {
      const edit = undo.current.pop();
      setUndoCount(undo.current.size);
      if (edit === undefined) return;
      try {
        await update.mutateAsync({ edit: { after: undoBody(edit), before: edit.after }, isUndo: true });
      } catch {
        // shown through `error`
      }
    },
    canUndo: undoCount > 0,
    create,
    remove,
    error: update.error ?? create.error,
    reset: () => {
      update.reset();
      create.reset();
    },
  };
}
