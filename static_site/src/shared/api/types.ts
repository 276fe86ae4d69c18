/** The shapes of the REST API's answers that the studio reads (see the README's "API"). */

export type FieldType =
  | "text"
  | "long-text"
  | "integer"
  | "number"
  | "date"
  | "checkbox"
  | "select"
  | "multi-select"
  | "email"
  | "url"
  | "json"
  | "geo-point"
  | "reference"
  | "attachment"
  | "auto-number"
  | "auto-date"
  | "formula";

export interface Presentation {
  uiName?: string | null;
  format?: Record<string, unknown> | null;
}

export interface Column {
  name: string;
  dataType: FieldType;
  primary: boolean;
  nullable: boolean;
  presentation: Presentation | null;
  options: string[] | null;
  formula: { resultType: string } | null;
}

export interface TableSummary {
  name: string;
  comment: string | null;
  primaryKey: { name: string; type: string };
  presentation: { uiName?: string | null } | null;
}

export interface TableDocument extends TableSummary {
  schema: Column[];
}

export type RecordRow = Record<string, unknown>;

export interface Pagination {
  page: number;
  limit: number;
  total: number | null;
  pages: number | null;
  nextCursor?: string | null;
}

export interface RowsPage {
  rows: RecordRow[];
  pagination: Pagination;
}

export interface UpdateResult {
  updatedCount: number;
  returning: RecordRow[];
}

export interface KeyIdentity {
  id: string;
  name: string;
  readOnly?: boolean;
}
