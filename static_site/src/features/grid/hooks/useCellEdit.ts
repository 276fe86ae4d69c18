import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ApiError, useApi, type RecordRow, type RowsPage, type UpdateResult } from "../../../shared/api";
import { rowsPageKey } from "../api/rowsPages";
import type { RowsView } from "../listQuery";
import { locateRow } from "../pageWindow";

export interface CellEdit {
  rowIndex: number;
  id: unknown;
  column: string;
  value: unknown;
}

/**
 * `PATCH /rest/db/{table}/{id}` with `{column: value}`. The cell shows the new value at once and goes
 * back to the old one when the server refuses; on success the server's row replaces it (formulas and
 * `updated_at` change with it).
 */
export function useCellEdit(table: string, view: RowsView) {
  const api = useApi();
  const queryClient = useQueryClient();

  const writeRow = (rowIndex: number, update: (row: RecordRow) => RecordRow) => {
    const { page, offset } = locateRow(rowIndex);
    queryClient.setQueryData<RowsPage>(rowsPageKey(table, view, page), (data) => {
      const row = data?.rows[offset];
      if (data === undefined || row === undefined) return data;
      const rows = [...data.rows];
      rows[offset] = update(row);
      return { ...data, rows };
    });
  };

  return useMutation({
    mutationFn: async ({ id, column, value }: CellEdit) => {
      const path = `/rest/db/${encodeURIComponent(table)}/${encodeURIComponent(String(id))}`;
      const result = await api.request<UpdateResult>("PATCH", path, { body: { [column]: value } });
      const row = result.returning[0];
      if (row === undefined) throw new ApiError("The record no longer exists", 404, null);
      return row;
    },
    onMutate: ({ rowIndex, column, value }) => {
      const { page, offset } = locateRow(rowIndex);
      const before = queryClient.getQueryData<RowsPage>(rowsPageKey(table, view, page))?.rows[offset];
      writeRow(rowIndex, (row) => ({ ...row, [column]: value }));
      return { before };
    },
    onError: (_error, { rowIndex }, context) => {
      const before = context?.before;
      if (before !== undefined) writeRow(rowIndex, () => before);
    },
    onSuccess: (row, { rowIndex }) => writeRow(rowIndex, () => row),
  });
}
