import { GridCellKind, type EditableGridCell, type GridCell } from "@glideapps/glide-data-grid";
import type { Column, FieldType } from "../../shared/api";

/** Types whose cells this increment edits inline; the rest get their own editors later. */
const TEXT_EDITED: ReadonlySet<FieldType> = new Set(["text", "long-text", "email", "url"]);
const NUMBER_EDITED: ReadonlySet<FieldType> = new Set(["integer", "number"]);
/** Values the database sets: never editable, whatever the key may do. */
const DATABASE_SET: ReadonlySet<FieldType> = new Set(["auto-number", "auto-date", "formula"]);

export function isEditable(column: Column, primaryKey: string): boolean {
  if (column.primary || column.name === primaryKey || DATABASE_SET.has(column.dataType)) return false;
  return TEXT_EDITED.has(column.dataType) || NUMBER_EDITED.has(column.dataType) || column.dataType === "checkbox";
}

/** A cell typed by the column's field type (a formula by its value, since its result type varies). */
export function toGridCell(column: Column, value: unknown, editable: boolean): GridCell {
  const kind = column.dataType === "formula" ? formulaKind(value) : column.dataType;
  if (kind === "checkbox") {
    return { kind: GridCellKind.Boolean, data: typeof value === "boolean" ? value : null, allowOverlay: false, readonly: !editable };
  }
  if (kind === "integer" || kind === "number" || kind === "auto-number") {
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
  const text = displayText(column.dataType, value);
  return { kind: GridCellKind.Text, data: text, displayData: text, allowOverlay: editable, readonly: !editable };
}

/** The JSON value a PATCH sends for an edited cell. */
export function editedValue(column: Column, cell: EditableGridCell): unknown {
  switch (cell.kind) {
    case GridCellKind.Boolean:
      return cell.data ?? null;
    case GridCellKind.Number:
      return cell.data ?? null;
    case GridCellKind.Text:
      // An emptied cell clears the value where the column allows it, rather than storing "".
      return cell.data === "" && column.nullable ? null : cell.data;
    default:
      throw new Error(`No inline editor for ${column.dataType} cells yet`);
  }
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

/** Text for the types shown as text in this increment (dates, chips, JSON, points, files). */
export function displayText(dataType: FieldType, value: unknown): string {
  if (value === null || value === undefined) return "";
  if (dataType === "multi-select" && Array.isArray(value)) return value.join(", ");
  if (dataType === "attachment" && Array.isArray(value)) return value.map(attachmentName).join(", ");
  if (dataType === "geo-point" && isPoint(value)) return `${value.x}, ${value.y}`;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

function attachmentName(file: unknown): string {
  const name = typeof file === "object" && file !== null ? (file as { name?: unknown }).name : undefined;
  return typeof name === "string" ? name : JSON.stringify(file);
}

function isPoint(value: unknown): value is { x: number; y: number } {
  return typeof value === "object" && value !== null && "x" in value && "y" in value;
}
