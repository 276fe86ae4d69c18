import type { FieldType } from "../../shared/api";
import { NO_DEFAULT } from "./fieldTypes";
import type {
  ColumnDefinition,
  ColumnDocument,
  ForeignKey,
  FormulaResultType,
  ReferentialAction,
  ValidationRules,
} from "./types";

/** The column editor's state: what the inputs hold, as text, before it becomes a ColumnDefinition. */
export interface ColumnForm {
  name: string;
  uiName: string;
  comment: string;
  dataType: FieldType;
  nullable: boolean;
  unique: boolean;
  /** The default as its input holds it (checkbox: "", "true" or "false"; JSON: its text). */
  defaultValue: string;
  /** A multi-select's default choices. */
  defaultValues: string[];
  minLength: string;
  maxLength: string;
  minValue: string;
  maxValue: string;
  /** `YYYY-MM-DDTHH:mm`, as a datetime-local input holds it. */
  minDate: string;
  maxDate: string;
  maxSize: string;
  maxFiles: string;
  /** In megabytes; the API takes bytes. */
  maxFileSizeMb: string;
  /** Comma-separated. */
  allowedMimeTypes: string;
  allowedDomains: string;
  options: string[];
  referenceTable: string;
  referenceColumn: string;
  referenceColumnType: string;
  onUpdate: ReferentialAction;
  onDelete: ReferentialAction;
  displayColumn: string;
  formulaResultType: FormulaResultType;
  formulaExpression: string;
  formulaStrategy: "stored" | "virtual";
  numberFormat: "" | "comma" | "percentage" | "currency";
  currency: string;
  dateFormat: string;
  showTime: boolean;
}

export const EMPTY_COLUMN_FORM: ColumnForm = {
  name: "",
  uiName: "",
  comment: "",
  dataType: "text",
  nullable: true,
  unique: false,
  defaultValue: "",
  defaultValues: [],
  minLength: "",
  maxLength: "",
  minValue: "",
  maxValue: "",
  minDate: "",
  maxDate: "",
  maxSize: "",
  maxFiles: "",
  maxFileSizeMb: "",
  allowedMimeTypes: "",
  allowedDomains: "",
  options: [],
  referenceTable: "",
  referenceColumn: "",
  referenceColumnType: "",
  onUpdate: "NO ACTION",
  onDelete: "NO ACTION",
  displayColumn: "",
  formulaResultType: "text",
  formulaExpression: "",
  formulaStrategy: "stored",
  numberFormat: "",
  currency: "USD",
  dateFormat: "",
  showTime: false,
};

export type ColumnFormErrors = Partial<Record<keyof ColumnForm, string>>;

const MB = 1024 * 1024;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const MIME = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/(\*|[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126})$/;

/** Which validation inputs a type shows. */
export function validationKeys(type: FieldType): (keyof ColumnForm)[] {
  switch (type) {
    case "text":
      return ["minLength", "maxLength"];
    case "long-text":
    case "json":
      return ["maxSize"];
    case "integer":
    case "number":
      return ["minValue", "maxValue"];
    case "date":
      return ["minDate", "maxDate"];
    case "email":
      return ["allowedDomains"];
    case "attachment":
      return ["maxFiles", "maxFileSizeMb", "allowedMimeTypes"];
    default:
      return [];
  }
}

/** Whether the presentation offers a number format or a date format for this column. */
export function formatKind(form: Pick<ColumnForm, "dataType" | "formulaResultType">): "number" | "date" | null {
  if (form.dataType === "number") return "number";
  if (form.dataType === "date" || form.dataType === "auto-date") return "date";
  if (form.dataType === "formula") {
    if (form.formulaResultType === "numeric" || form.formulaResultType === "integer") return "number";
    if (form.formulaResultType === "date") return "date";
  }
  return null;
}

export const hasDefault = (type: FieldType) => !NO_DEFAULT.has(type);

const splitList = (text: string) =>
  text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");

/** The form turned into the JSON the API takes, or the errors that keep it from being one. */
export function columnFormToDefinition(form: ColumnForm): {
  definition: ColumnDefinition | null;
  errors: ColumnFormErrors;
} {
  const errors: ColumnFormErrors = {};
  const fail = (key: keyof ColumnForm, message: string) => {
    errors[key] ??= message;
  };
  const name = form.name.trim();
  if (name === "") fail("name", "Name is required");
  else if (!IDENTIFIER.test(name))
    fail("name", "Name must be 1-63 characters: a letter or _ first, then letters, digits or _");

  const number = (key: keyof ColumnForm, label: string, { integer = false, min = -Infinity } = {}) => {
    const text = String(form[key]).trim();
    if (text === "") return null;
    const value = Number(text);
    if (!Number.isFinite(value)) fail(key, `${label} must be a number`);
    else if (integer && !Number.isInteger(value)) fail(key, `${label} must be a whole number`);
    else if (value < min) fail(key, `${label} must be at least ${min}`);
    else return value;
    return null;
  };

  const validation: ValidationRules = {};
  const keys = validationKeys(form.dataType);
  if (keys.includes("minLength")) {
    validation.minLength = number("minLength", "Min length", { integer: true, min: 0 });
    validation.maxLength = number("maxLength", "Max length", { integer: true, min: 1 });
  }
  if (keys.includes("maxSize")) validation.maxSize = number("maxSize", "Max size", { integer: true, min: 1 });
  if (keys.includes("minValue")) {
    validation.minValue = number("minValue", "Min value", { integer: form.dataType === "integer" });
    validation.maxValue = number("maxValue", "Max value", { integer: form.dataType === "integer" });
  }
  if (keys.includes("minDate")) {
    validation.minDate = form.minDate ? boundDate(form.minDate) : null;
    validation.maxDate = form.maxDate ? boundDate(form.maxDate) : null;
  }
  if (keys.includes("allowedDomains")) {
    const domains = splitList(form.allowedDomains).map((domain) => domain.toLowerCase().replace(/^@/, ""));
    validation.allowedDomains = domains.length ? domains : null;
  }
  if (keys.includes("maxFiles")) {
    validation.maxFiles = number("maxFiles", "Max files", { integer: true, min: 1 });
    const megabytes = number("maxFileSizeMb", "Max file size", { min: 0 });
    if (megabytes === 0) fail("maxFileSizeMb", "Max file size must be more than 0");
    validation.maxFileSize = megabytes ? Math.max(1, Math.round(megabytes * MB)) : null;
    const types = splitList(form.allowedMimeTypes).map((type) => type.toLowerCase());
    const bad = types.find((type) => !MIME.test(type));
    if (bad !== undefined) fail("allowedMimeTypes", `'${bad}' is not a type like image/png or image/*`);
    validation.allowedMimeTypes = types.length ? types : null;
  }
  for (const [low, high] of [
    ["minLength", "maxLength"],
    ["minValue", "maxValue"],
    ["minDate", "maxDate"],
  ] as const) {
    const a = validation[low];
    const b = validation[high];
    if (a != null && b != null && a > b) fail(high, `The maximum must not be less than the minimum`);
  }
  const rules = Object.fromEntries(Object.entries(validation).filter(([, value]) => value != null));

  let options: string[] | null = null;
  if (form.dataType === "select" || form.dataType === "multi-select") {
    options = form.options.map((option) => option.trim()).filter((option) => option !== "");
    if (options.length === 0) fail("options", "Add at least one option");
    else if (new Set(options).size !== options.length) fail("options", "Options must be different from each other");
  }

  let foreignKey: ForeignKey | null = null;
  if (form.dataType === "reference") {
    if (form.referenceTable === "") fail("referenceTable", "Choose the table it refers to");
    else if (form.referenceColumn === "") fail("referenceColumn", "Choose the column it refers to");
    const column: ForeignKey["column"] = { name: form.referenceColumn };
    if (form.referenceColumnType !== "") column.type = form.referenceColumnType;
    foreignKey = { table: form.referenceTable, column, onUpdate: form.onUpdate, onDelete: form.onDelete };
  }

  let formula: ColumnDefinition["formula"] = null;
  if (form.dataType === "formula") {
    const expression = form.formulaExpression.trim();
    if (expression === "") fail("formulaExpression", "Write the formula's expression");
    formula = { resultType: form.formulaResultType, expression, strategy: form.formulaStrategy };
  }

  const defaultValue = hasDefault(form.dataType) ? parseDefault(form, options, fail) : null;

  const definition: ColumnDefinition = {
    name,
    dataType: form.dataType,
    nullable: form.nullable,
    unique: form.unique,
    defaultValue,
    comment: form.comment.trim() === "" ? null : form.comment.trim(),
    presentation: presentationOf(form),
    validation: Object.keys(rules).length ? (rules as ValidationRules) : null,
    options,
    foreignKey,
    formula,
  };
  return { definition: Object.keys(errors).length ? null : definition, errors };
}

function presentationOf(form: ColumnForm): ColumnDefinition["presentation"] {
  const format: Record<string, unknown> = {};
  const kind = formatKind(form);
  if (kind === "number" && form.numberFormat !== "") {
    format.numberFormat = form.numberFormat;
    if (form.numberFormat === "currency") format.currency = form.currency || "USD";
  }
  if (kind === "date") {
    if (form.dateFormat !== "") format.dateFormat = form.dateFormat;
    if (form.showTime) format.showTime = true;
  }
  if (form.dataType === "reference" && form.displayColumn !== "") format.displayColumn = form.displayColumn;
  const uiName = form.uiName.trim() === "" ? null : form.uiName.trim();
  const hasFormat = Object.keys(format).length > 0;
  if (uiName === null && !hasFormat) return null;
  return { uiName, format: hasFormat ? format : null };
}

function parseDefault(
  form: ColumnForm,
  options: string[] | null,
  fail: (key: keyof ColumnForm, message: string) => void,
): unknown {
  const text = form.defaultValue;
  switch (form.dataType) {
    case "multi-select": {
      const chosen = form.defaultValues.filter((value) => options?.includes(value));
      return chosen.length ? chosen : null;
    }
    case "checkbox":
      return text === "" ? null : text === "true";
    case "integer":
    case "number": {
      if (text.trim() === "") return null;
      const value = Number(text);
      if (!Number.isFinite(value) || (form.dataType === "integer" && !Number.isInteger(value))) {
        fail(
          "defaultValue",
          form.dataType === "integer" ? "Default value must be a whole number" : "Default value must be a number",
        );
        return null;
      }
      return value;
    }
    case "json": {
      if (text.trim() === "") return null;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        fail("defaultValue", "Default value is not valid JSON");
        return null;
      }
    }
    case "geo-point": {
      if (text.trim() === "") return null;
      const match = /^\(?\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)\s*\)?$/.exec(text.trim());
      if (match === null || !Number.isFinite(Number(match[1])) || !Number.isFinite(Number(match[2]))) {
        fail("defaultValue", "Default value must be two numbers: x, y");
        return null;
      }
      return `(${Number(match[1])}, ${Number(match[2])})`;
    }
    case "select":
      if (text === "") return null;
      if (!options?.includes(text)) fail("defaultValue", "Default value must be one of the options");
      return text;
    case "email":
    case "url":
      return text.trim() === "" ? null : text.trim();
    default:
      return text === "" ? null : text;
  }
}

/** `2030-01-01T10:00` (a datetime-local input) → `2030-01-01 10:00` (the API's rule bound). */
function boundDate(local: string): string {
  return local.replace("T", " ").slice(0, 16);
}

/** A date the API gave back → what a datetime-local input holds. */
function localInput(value: unknown): string {
  if (typeof value !== "string" || value === "") return "";
  return value.replace(" ", "T").slice(0, 16);
}

const text = (value: unknown) => (value === null || value === undefined ? "" : String(value));

/** The form for an existing column, from what the API returned. */
export function columnFormFrom(column: ColumnDocument): ColumnForm {
  const rules = column.validation ?? {};
  const format = column.presentation?.format ?? {};
  const fk = column.foreignKey;
  const form: ColumnForm = {
    ...EMPTY_COLUMN_FORM,
    name: column.name,
    uiName: column.presentation?.uiName ?? "",
    comment: column.comment ?? "",
    dataType: column.dataType,
    nullable: column.nullable,
    unique: column.unique,
    minLength: text(rules.minLength),
    maxLength: text(rules.maxLength),
    minValue: text(rules.minValue),
    maxValue: text(rules.maxValue),
    minDate: localInput(rules.minDate),
    maxDate: localInput(rules.maxDate),
    maxSize: text(rules.maxSize),
    maxFiles: text(rules.maxFiles),
    maxFileSizeMb: rules.maxFileSize ? String(Math.round((rules.maxFileSize / MB) * 1000) / 1000) : "",
    allowedMimeTypes: (rules.allowedMimeTypes ?? []).join(", "),
    allowedDomains: Array.isArray(rules.allowedDomains) ? rules.allowedDomains.join(", ") : text(rules.allowedDomains),
    options: column.options ?? [],
    referenceTable: fk?.table ?? "",
    referenceColumn: fk?.column.name ?? "",
    referenceColumnType: fk?.column.type ?? "",
    onUpdate: fk?.onUpdate ?? "NO ACTION",
    onDelete: fk?.onDelete ?? "NO ACTION",
    displayColumn: text(format.displayColumn),
    formulaResultType: column.formula?.resultType ?? "text",
    formulaExpression: column.formula?.expression ?? "",
    formulaStrategy: column.formula?.strategy ?? "stored",
    numberFormat: (["comma", "percentage", "currency"].includes(text(format.numberFormat))
      ? format.numberFormat
      : "") as ColumnForm["numberFormat"],
    currency: text(format.currency) || "USD",
    dateFormat: text(format.dateFormat),
    showTime: format.showTime === true,
  };
  const value = column.defaultValue;
  if (column.dataType === "multi-select") form.defaultValues = Array.isArray(value) ? value.map(String) : [];
  else if (column.dataType === "json")
    form.defaultValue = value === null || value === undefined ? "" : JSON.stringify(value);
  else if (column.dataType === "date") form.defaultValue = localInput(value);
  else if (column.dataType === "geo-point" && typeof value === "object" && value !== null) {
    const point = value as { x?: unknown; y?: unknown };
    form.defaultValue = `(${text(point.x)}, ${text(point.y)})`;
  } else form.defaultValue = text(value);
  return form;
}

/** A new type keeps the name, UI name, comment and constraints, and drops what belonged to the old one. */
export function withDataType(form: ColumnForm, dataType: FieldType): ColumnForm {
  if (dataType === form.dataType) return form;
  return {
    ...EMPTY_COLUMN_FORM,
    name: form.name,
    uiName: form.uiName,
    comment: form.comment,
    nullable: form.nullable,
    unique: form.unique,
    options: dataType === "select" || dataType === "multi-select" ? form.options : [],
    dataType,
  };
}
