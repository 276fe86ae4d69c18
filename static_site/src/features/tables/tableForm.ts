import type { TableDocument } from "../../shared/api";

/** How a new table's `id` is made (`idType`); fixed once the table exists. */
export type IdType = "integer" | "biginteger" | "uuid" | "shortid";

export const ID_TYPES: readonly { value: IdType; label: string; hint: string }[] = [
  { value: "integer", label: "Integer", hint: "1, 2, 3… up to about 2 billion rows" },
  { value: "biginteger", label: "Big integer (recommended)", hint: "1, 2, 3… without a practical limit" },
  { value: "uuid", label: "UUID", hint: "random, 36 characters; safe to make anywhere" },
  { value: "shortid", label: "Short ID", hint: "random, 16 letters and digits" },
];

export interface TableForm {
  name: string;
  uiName: string;
  comment: string;
  idType: IdType;
  timestamps: boolean;
}

export const EMPTY_TABLE_FORM: TableForm = {
  name: "",
  uiName: "",
  comment: "",
  idType: "biginteger",
  timestamps: true,
};

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** The API's rule for a table or column name, worded for a form; null when the name is fine. */
export function identifierError(name: string, what = "Name"): string | null {
  if (name.trim() === "") return `${what} is required`;
  if (!IDENTIFIER.test(name.trim())) {
    return `${what} must be 1-63 characters: a letter or _ first, then letters, digits or _`;
  }
  return null;
}

const ID_TYPE_OF_KEY: Record<string, IdType> = {
  int2: "integer",
  int4: "integer",
  int8: "biginteger",
  uuid: "uuid",
  varchar: "shortid",
};

/** The form for an existing table: its id type read from the key's type, timestamps from its columns. */
export function tableFormFrom(table: TableDocument): TableForm {
  const columns = new Set(table.schema.map((column) => column.name));
  return {
    name: table.name,
    uiName: table.presentation?.uiName ?? "",
    comment: table.comment ?? "",
    idType: ID_TYPE_OF_KEY[table.primaryKey?.type ?? ""] ?? "biginteger",
    timestamps: columns.has("created_at") && columns.has("updated_at"),
  };
}

const orNull = (text: string) => (text.trim() === "" ? null : text.trim());

/** `POST /rest/db/tables`. */
export function createTableBody(form: TableForm): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: form.name.trim(),
    comment: orNull(form.comment),
    idType: form.idType,
    timestamps: form.timestamps,
  };
  const uiName = orNull(form.uiName);
  if (uiName !== null) body.presentation = { uiName };
  return body;
}

/** `PATCH /rest/db/tables/{table}`: only what changed (null when nothing did). */
export function updateTableBody(original: TableForm, form: TableForm): Record<string, unknown> | null {
  const body: Record<string, unknown> = {};
  if (form.name.trim() !== original.name) body.name = form.name.trim();
  if (orNull(form.comment) !== orNull(original.comment)) body.comment = orNull(form.comment);
  if (orNull(form.uiName) !== orNull(original.uiName)) body.presentation = { uiName: orNull(form.uiName) };
  return Object.keys(body).length === 0 ? null : body;
}
