/** Cell edits (typed, pasted, filled, cleared) as one `bulk-update` body, with the values to undo them. */
import type { RecordRow } from "../../../shared/api";
import { coerceText } from "./coerce";
import type { Field } from "./fields";
import type { Edit, RowChange } from "./undo";

export interface GridContext {
  /** The columns as shown, in order. */
  columns: readonly Field[];
  /** Whether each shown column may be written. */
  editable: readonly boolean[];
  primaryKey: string;
  rowCount: number;
  getRow: (index: number) => RecordRow | undefined;
}

export interface CellValue {
  col: number;
  row: number;
  value: unknown;
}

export interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Per row, the new values and the old ones; read-only columns and rows not loaded are left out. */
export function planCellEdits(cells: readonly CellValue[], context: GridContext): Edit {
  const changes = new Map<number, { after: RowChange; before: RowChange }>();
  for (const { col, row, value } of cells) {
    const column = context.columns[col];
    const record = context.getRow(row);
    if (column === undefined || record === undefined || context.editable[col] !== true) continue;
    let change = changes.get(row);
    if (change === undefined) {
      const id = record[context.primaryKey];
      change = { after: { id, data: {} }, before: { id, data: {} } };
      changes.set(row, change);
    }
    change.after.data[column.name] = value;
    change.before.data[column.name] = record[column.name] ?? null;
  }
  const ordered = [...changes].sort(([a], [b]) => a - b).map(([, change]) => change);
  return { after: ordered.map((change) => change.after), before: ordered.map((change) => change.before) };
}

export interface PastePlan {
  edit: Edit;
  /** Problems with the pasted text; when there are any, nothing is written. */
  errors: string[];
  /** Rows of the clipboard that fell past the grid's last row (pasting stops at the end). */
  rowsPastEnd: number;
  /** Cells of read-only columns, left as they are. */
  skipped: number;
}

/**
 * Pasted rows written from `target` rightwards and downwards. A single value pasted over a selected
 * area fills the area, as in a spreadsheet. Pasting stops at the last row (no records are created).
 */
export function planPaste(
  matrix: readonly (readonly string[])[],
  target: readonly [number, number],
  context: GridContext,
  area?: Area,
): PastePlan {
  const single = matrix.length === 1 && matrix[0]?.length === 1 ? (matrix[0]?.[0] ?? "") : null;
  const tiled =
    single !== null && area !== undefined && (area.width > 1 || area.height > 1)
      ? Array.from({ length: area.height }, () => Array.from({ length: area.width }, () => single))
      : matrix;
  const [startCol, startRow] = area !== undefined && tiled !== matrix ? [area.x, area.y] : target;
  const cells: CellValue[] = [];
  const errors: string[] = [];
  let skipped = 0;
  let rowsPastEnd = 0;
  tiled.forEach((line, rowOffset) => {
    const row = startRow + rowOffset;
    if (row >= context.rowCount) {
      rowsPastEnd++;
      return;
    }
    if (context.getRow(row) === undefined) {
      errors.push(`Row ${row + 1} is not loaded yet`);
      return;
    }
    line.forEach((text, colOffset) => {
      const col = startCol + colOffset;
      const column = context.columns[col];
      if (column === undefined) return;
      if (context.editable[col] !== true) {
        skipped++;
        return;
      }
      const coerced = coerceText(column, text);
      if (coerced.ok) cells.push({ col, row, value: coerced.value });
      else errors.push(`Row ${row + 1}, ${column.name}: ${coerced.error}`);
    });
  });
  return { edit: planCellEdits(cells, context), errors, rowsPastEnd, skipped };
}

/** Emptying an area (Delete, Backspace, cut): null, or false for a checkbox that may not be null. */
export function planClear(area: Area, context: GridContext): Edit {
  const cells: CellValue[] = [];
  for (let row = area.y; row < area.y + area.height; row++) {
    for (let col = area.x; col < area.x + area.width; col++) {
      const column = context.columns[col];
      if (column === undefined) continue;
      const empty = column.dataType === "checkbox" && !column.nullable ? false : emptyValue(column);
      cells.push({ col, row, value: empty });
    }
  }
  const edit = planCellEdits(cells, context);
  // Nothing to write where the cell is already empty.
  const keep = edit.after.map((change, index) =>
    Object.keys(change.data).some((name) => edit.before[index]?.data[name] !== change.data[name]),
  );
  return { after: edit.after.filter((_, index) => keep[index]), before: edit.before.filter((_, index) => keep[index]) };
}

function emptyValue(column: Field): unknown {
  if (!column.nullable && (column.dataType === "text" || column.dataType === "long-text")) return "";
  return null;
}
