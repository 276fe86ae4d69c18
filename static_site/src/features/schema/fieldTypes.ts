import type { FieldType } from "../../shared/api";
import type { FormulaResultType, ReferentialAction } from "./types";

export const FIELD_TYPES: readonly { value: FieldType; label: string }[] = [
  { value: "text", label: "Text" },
  { value: "long-text", label: "Long text" },
  { value: "integer", label: "Integer" },
  { value: "number", label: "Number" },
  { value: "date", label: "Date" },
  { value: "checkbox", label: "Checkbox" },
  { value: "select", label: "Select" },
  { value: "multi-select", label: "Multi-select" },
  { value: "email", label: "Email" },
  { value: "url", label: "URL" },
  { value: "json", label: "JSON" },
  { value: "geo-point", label: "Geo point" },
  { value: "reference", label: "Reference" },
  { value: "attachment", label: "Attachment" },
  { value: "auto-number", label: "Auto number" },
  { value: "auto-date", label: "Auto date" },
  { value: "formula", label: "Formula" },
];

export function fieldTypeLabel(type: FieldType): string {
  return FIELD_TYPES.find((entry) => entry.value === type)?.label ?? type;
}

/** Types whose default the database sets or that cannot have one. */
export const NO_DEFAULT: ReadonlySet<FieldType> = new Set([
  "reference",
  "attachment",
  "auto-number",
  "auto-date",
  "formula",
]);

export const REFERENTIAL_ACTIONS: readonly { value: ReferentialAction; label: string }[] = [
  { value: "NO ACTION", label: "No action" },
  { value: "SET NULL", label: "Set null" },
  { value: "CASCADE", label: "Cascade" },
];

export const FORMULA_RESULT_TYPES: readonly { value: FormulaResultType; label: string }[] = [
  { value: "text", label: "Text" },
  { value: "integer", label: "Integer" },
  { value: "numeric", label: "Number" },
  { value: "date", label: "Date" },
  { value: "boolean", label: "Checkbox" },
  { value: "jsonb", label: "JSON" },
];

export const NUMBER_FORMATS = [
  { value: "", label: "Plain" },
  { value: "comma", label: "Comma (1,234.5)" },
  { value: "percentage", label: "Percentage" },
  { value: "currency", label: "Currency" },
] as const;

export const CURRENCIES = ["USD", "EUR", "VND"] as const;

export const DATE_FORMATS = [
  "DD/MM/YYYY",
  "MM/DD/YYYY",
  "YYYY/MM/DD",
  "YYYY/DD/MM",
  "DD-MM-YYYY",
  "MM-DD-YYYY",
  "YYYY-MM-DD",
  "YYYY-DD-MM",
] as const;
