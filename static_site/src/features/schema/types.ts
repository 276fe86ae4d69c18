import type { FieldType } from "../../shared/api";

export type ReferentialAction = "NO ACTION" | "SET NULL" | "CASCADE" | "RESTRICT" | "SET DEFAULT";
export type FormulaResultType = "text" | "integer" | "numeric" | "date" | "boolean" | "jsonb";

export interface ValidationRules {
  minLength?: number | null;
  maxLength?: number | null;
  minValue?: number | null;
  maxValue?: number | null;
  minDate?: string | null;
  maxDate?: string | null;
  maxSize?: number | null;
  maxFiles?: number | null;
  maxFileSize?: number | null;
  allowedMimeTypes?: string[] | null;
  allowedDomains?: string | string[] | null;
}

export interface ForeignKey {
  table: string;
  column: { name: string; type?: string | null };
  onUpdate: ReferentialAction;
  onDelete: ReferentialAction;
}

export interface Formula {
  resultType: FormulaResultType;
  expression: string;
  strategy: "stored" | "virtual";
}

/** A column as `GET /rest/db/tables/{table}` returns it (`schema[]`). */
export interface ColumnDocument {
  name: string;
  dataType: FieldType;
  primary: boolean;
  nullable: boolean;
  unique: boolean;
  defaultValue: unknown;
  comment: string | null;
  presentation: { uiName?: string | null; format?: Record<string, unknown> | null } | null;
  validation: ValidationRules | null;
  options: string[] | null;
  foreignKey: ForeignKey | null;
  formula: Formula | null;
  metadata?: { udtName?: string | null };
}

/** What `POST .../columns` and `PUT .../columns/{column}` take (the engine's ColumnDefinition). */
export interface ColumnDefinition {
  name: string;
  dataType: FieldType;
  nullable: boolean;
  unique: boolean;
  defaultValue: unknown;
  comment: string | null;
  presentation: { uiName: string | null; format: Record<string, unknown> | null } | null;
  validation: ValidationRules | null;
  options: string[] | null;
  foreignKey: ForeignKey | null;
  formula: Formula | null;
}

export interface IndexDocument {
  name: string;
  tableName: string;
  columnNames: string[];
  unique: boolean;
  primary?: boolean;
  type: IndexMethod;
}

export type IndexMethod = "btree" | "hash" | "gist" | "gin" | "brin" | "spgist";
