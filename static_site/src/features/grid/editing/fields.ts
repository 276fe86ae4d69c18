import type { Column } from "../../../shared/api";

/** A column with what the API also says about references (`GET /rest/db/tables/{t}` has it; the shared type does not). */
export type Field = Column & {
  foreignKey?: { table: string; column: { name: string; type?: string | null } } | null;
};

export interface Attachment {
  id?: string;
  key: string;
  name: string;
  size?: number;
  mimeType?: string;
  provider?: string;
  uploadedAt?: string;
}

export interface GeoPoint {
  x: number;
  y: number;
}

export function isPoint(value: unknown): value is GeoPoint {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as GeoPoint).x === "number" &&
    typeof (value as GeoPoint).y === "number"
  );
}

export function attachmentsOf(value: unknown): Attachment[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (file): file is Attachment =>
      typeof file === "object" && file !== null && typeof (file as Attachment).key === "string",
  );
}

export function isImage(file: Attachment): boolean {
  return (file.mimeType ?? "").startsWith("image/") || /\.(png|jpe?g|gif|webp|avif|bmp)$/i.test(file.name);
}

/** The referenced row's label under `expand` (see `referenceAlias`), else null. */
export function referenceAlias(column: string): string {
  return `${column}__ref`;
}

const NAME_LIKE = ["name", "display_name", "title", "label", "full_name", "username"];

/** The column that names a referenced row: the reference's display column, else a name-like column. */
export function displayColumnOf(field: Field, targetSchema: readonly Column[] | undefined): string | null {
  const configured = field.presentation?.format?.displayColumn;
  if (typeof configured === "string" && configured !== "") return configured;
  if (targetSchema === undefined) return null;
  for (const name of NAME_LIKE) if (targetSchema.some((column) => column.name === name)) return name;
  const text = targetSchema.find((column) => !column.primary && column.dataType === "text");
  return text?.name ?? targetSchema.find((column) => column.dataType === "email")?.name ?? null;
}

/** The label of a referenced row: its display column, else a name-like value, else its id. */
export function rowLabel(row: Record<string, unknown> | undefined, displayColumn: string | null, id: unknown): string {
  if (row !== undefined) {
    const shown = displayColumn === null ? undefined : row[displayColumn];
    if (typeof shown === "string" && shown !== "") return shown;
    if (typeof shown === "number") return String(shown);
    for (const name of NAME_LIKE) {
      const value = row[name];
      if (typeof value === "string" && value !== "") return value;
    }
  }
  return id === null || id === undefined ? "" : String(id);
}
