/** Reading a view's `config` (any JSON the client owns) back without trusting it. */
import type { Column, FieldType } from "../../shared/api";

export function asObject(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A column name from the config when the table still has it with one of the types, else null. */
export function fieldOf(value: unknown, schema: readonly Column[], types: readonly FieldType[] | null): string | null {
  if (typeof value !== "string") return null;
  const column = schema.find((candidate) => candidate.name === value);
  return column !== undefined && (types === null || types.includes(column.dataType)) ? column.name : null;
}

export function oneOf<T extends string>(value: unknown, options: readonly T[], fallback: T): T {
  return typeof value === "string" && (options as readonly string[]).includes(value) ? (value as T) : fallback;
}

export function finiteOr(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

export function dayOr(value: unknown, fallback: string | null): string | null {
  return typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))
    ? value
    : fallback;
}

export const DATE_TYPES: readonly FieldType[] = ["date", "auto-date"];
export const NUMBER_TYPES: readonly FieldType[] = ["integer", "number"];
export const POINT_TYPES: readonly FieldType[] = ["geo-point"];

/** The first column of the types, else null. */
export function firstOf(schema: readonly Column[], types: readonly FieldType[]): string | null {
  return schema.find((column) => types.includes(column.dataType))?.name ?? null;
}

const NAME_LIKE = ["name", "title", "subject", "display_name", "full_name", "label"];

/** A column to label records with: a name-like one, else the first text column, else the key. */
export function displayDefault(schema: readonly Column[]): string | null {
  for (const name of NAME_LIKE) if (schema.some((column) => column.name === name)) return name;
  return schema.find((column) => !column.primary && column.dataType === "text")?.name ?? schema[0]?.name ?? null;
}
