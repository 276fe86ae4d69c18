import { type CustomCell, type EditableGridCell, type GridCell, GridCellKind } from "@glideapps/glide-data-grid";
import type { Column, FieldType, RecordRow } from "../../shared/api";
import { copyText } from "./editing/coerce";
import { dateFormatOf, formatDate } from "./editing/dates";
import { type Field, isPoint, referenceAlias, rowLabel } from "./editing/fields";
import { hasNumberFormat, numberFormatter } from "./numberFormat";

/** Values the database sets: never editable, whatever the key may do. */
const DATABASE_SET: ReadonlySet<FieldType> = new Set(["auto-number", "auto-date", "formula"]);
/** Types with an editor of their own (an overlay from `valueCell`), drawn by `valueCellRenderer`. */
const OWN_EDITOR: ReadonlySet<FieldType> = new Set([
  "long-text",
  "date",
  "select",
  "multi-select",
  "json",
  "geo-point",
  "reference",
  "attachment",
]);

export function isEditable(column: Column, primaryKey: string): boolean {
  return !(column.primary || column.name === primaryKey || DATABASE_SET.has(column.dataType));
}

export interface ValueCellData {
  readonly kind: "value-cell";
  readonly field: Field;
  readonly value: unknown;
  /** What the cell shows (and reads out to assistive technology). */
  readonly text: string;
  /** Chips, for select and multi-select. */
  readonly chips: readonly string[] | null;
}

export type ValueCell = CustomCell<ValueCellData>;

export function isValueCell(cell: GridCell): cell is ValueCell {
  return cell.kind === GridCellKind.Custom && (cell.data as { kind?: unknown }).kind === "value-cell";
}

/** The cell for a value of another value (a clear, a pick in an editor). */
export function withValue(cell: ValueCell, value: unknown): ValueCell {
  const text = displayText(cell.data.field, value);
  return { ...cell, data: { ...cell.data, value, text, chips: chipsOf(cell.data.field, value) }, copyData: text };
}

/** A cell typed by the column's field type (a formula by its value, since its result type varies). */
export function toGridCell(column: Field, value: unknown, editable: boolean, row?: RecordRow): GridCell {
  const kind = column.dataType === "formula" ? formulaKind(value) : column.dataType;
  if (kind === "checkbox") {
    return {
      kind: GridCellKind.Boolean,
      data: typeof value === "boolean" ? value : null,
      allowOverlay: false,
      readonly: !editable,
    };
  }
  if ((kind === "integer" || kind === "number" || kind === "auto-number") && !hasNumberFormat(column)) {
    const data = toNumber(value);
    return {
      kind: GridCellKind.Number,
      data,
      displayData: data === undefined ? "" : String(data),
      allowOverlay: editable,
      readonly: !editable,
      contentAlign: "right",
    };
  }
  // A formatted number is drawn, and read out to assistive technology, as it is formatted
  // (Glide's number cell would read out the bare value): a cell with its own editor.
  if (editable && (OWN_EDITOR.has(column.dataType) || hasNumberFormat(column))) {
    const text = displayText(column, value, row);
    return {
      kind: GridCellKind.Custom,
      data: { kind: "value-cell", field: column, value, text, chips: chipsOf(column, value) },
      copyData: text,
      allowOverlay: true,
      readonly: false,
    };
  }
  const text = displayText(column, value, row);
  return { kind: GridCellKind.Text, data: text, displayData: text, allowOverlay: editable, readonly: !editable };
}

/** The JSON value a write sends for an edited cell. */
export function editedValue(column: Column, cell: EditableGridCell): unknown {
  switch (cell.kind) {
    case GridCellKind.Boolean:
      return cell.data ?? null;
    case GridCellKind.Number:
      return cell.data ?? null;
    case GridCellKind.Text:
      // An emptied cell clears the value where the column allows it, rather than storing "".
      return cell.data === "" && column.nullable ? null : cell.data;
    case GridCellKind.Custom:
      if (isValueCell(cell)) return cell.data.value ?? null;
      throw new Error(`No editor for ${column.dataType} cells`);
    default:
      throw new Error(`No inline editor for ${column.dataType} cells yet`);
  }
}

/** What a copied cell puts on the clipboard: text that pasting reads back into the same value. */
export function cellCopyText(column: Field, value: unknown): string {
  return copyText(column, value);
}

function formulaKind(value: unknown): FieldType {
  if (typeof value === "boolean") return "checkbox";
  if (typeof value === "number") return "number";
  return "text";
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function chipsOf(column: Column, value: unknown): string[] | null {
  if (column.dataType === "select") return typeof value === "string" && value !== "" ? [value] : [];
  if (column.dataType === "multi-select") return Array.isArray(value) ? value.map(String) : [];
  return null;
}

/** What a cell shows: dates in the column's format, chips' names, a reference's label, file names. */
export function displayText(column: Field, value: unknown, row?: RecordRow): string {
  if (value === null || value === undefined) return "";
  switch (column.dataType) {
    case "date":
      return formatDate(value, dateFormatOf(column));
    case "auto-date":
      return typeof value === "string" ? formatDate(value, { pattern: "YYYY-MM-DD", showTime: true }) : String(value);
    case "multi-select":
      return Array.isArray(value) ? value.join(", ") : String(value);
    case "attachment":
      return Array.isArray(value) ? value.map(attachmentName).join(", ") : String(value);
    case "geo-point":
      return isPoint(value) ? `${value.x}, ${value.y}` : JSON.stringify(value);
    case "reference": {
      const target = row?.[referenceAlias(column.name)];
      const display = column.presentation?.format?.displayColumn;
      return rowLabel(
        typeof target === "object" && target !== null ? (target as RecordRow) : undefined,
        typeof display === "string" ? display : null,
        value,
      );
    }
  }
  if (typeof value === "number" && hasNumberFormat(column)) return numberFormatter(column)(value);
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

function attachmentName(file: unknown): string {
  const name = typeof file === "object" && file !== null ? (file as { name?: unknown }).name : undefined;
  return typeof name === "string" ? name : JSON.stringify(file);
}
