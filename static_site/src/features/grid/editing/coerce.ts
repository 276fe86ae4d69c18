/** Text typed or pasted into a cell, made into the JSON value the API takes for the column's type. */
import { dateFormatOf, formatDate, parseDateText } from "./dates";
import { attachmentsOf, type Field, isPoint } from "./fields";

export type Coerced = { ok: true; value: unknown } | { ok: false; error: string };

const ok = (value: unknown): Coerced => ({ ok: true, value });
const fail = (error: string): Coerced => ({ ok: false, error });

const TRUE = new Set(["true", "1", "yes", "y", "x", "on", "checked", "✓"]);
const FALSE = new Set(["false", "0", "no", "n", "off", "unchecked", ""]);

export function coerceText(field: Field, text: string): Coerced {
  const trimmed = text.trim();
  switch (field.dataType) {
    case "text":
    case "long-text":
    case "email":
    case "url":
      return ok(text === "" && field.nullable ? null : text);
    case "checkbox": {
      const word = trimmed.toLowerCase();
      if (TRUE.has(word)) return ok(true);
      if (FALSE.has(word)) return ok(trimmed === "" && field.nullable ? null : false);
      return fail(`"${text}" is not true or false`);
    }
    default:
      if (trimmed === "") return ok(null);
  }
  switch (field.dataType) {
    case "integer":
    case "number": {
      const cleaned = trimmed.replace(/[\s,$€£₫]/g, "").replace(/^(-?)\((.*)\)$/, "-$2");
      const percent = cleaned.endsWith("%");
      const number = Number(percent ? cleaned.slice(0, -1) : cleaned);
      if (cleaned === "" || !Number.isFinite(number)) return fail(`"${text}" is not a number`);
      const value = percent ? number / 100 : number;
      if (field.dataType === "integer" && !Number.isInteger(value)) return fail(`"${text}" is not a whole number`);
      return ok(value);
    }
    case "date": {
      const value = parseDateText(trimmed, dateFormatOf(field));
      return value === null ? fail(`"${text}" is not a date (${dateFormatOf(field).pattern})`) : ok(value);
    }
    case "select": {
      const option = matchOption(field, trimmed);
      return option === null ? fail(`"${text}" is not an option of ${field.name}`) : ok(option);
    }
    case "multi-select": {
      const items = trimmed.startsWith("[") ? parseJsonList(trimmed) : trimmed.split(",").map((item) => item.trim());
      if (items === null) return fail(`"${text}" is not a list`);
      const chosen: string[] = [];
      for (const item of items.filter((entry) => entry !== "")) {
        const option = matchOption(field, item);
        if (option === null) return fail(`"${item}" is not an option of ${field.name}`);
        if (!chosen.includes(option)) chosen.push(option);
      }
      return ok(chosen);
    }
    case "json":
      try {
        return ok(JSON.parse(trimmed) as unknown);
      } catch {
        return fail(`${field.name}: not valid JSON`);
      }
    case "geo-point":
      return coercePoint(trimmed);
    case "reference": {
      const type = field.foreignKey?.column.type ?? "";
      if (/int|serial|numeric/i.test(type)) {
        const number = Number(trimmed);
        return Number.isInteger(number) ? ok(number) : fail(`"${text}" is not a record id`);
      }
      return ok(trimmed);
    }
    case "attachment": {
      try {
        const files = attachmentsOf(JSON.parse(trimmed) as unknown);
        if (files.length > 0) return ok(files);
      } catch {
        // fall through
      }
      return fail(`${field.name}: files are uploaded, not pasted`);
    }
    default:
      return fail(`${field.name} is read-only`);
  }
}

/** The option written as the column spells it, compared without case; null when it is not one. */
function matchOption(field: Field, text: string): string | null {
  const options = field.options ?? [];
  return (
    options.find((option) => option === text) ??
    options.find((option) => option.toLowerCase() === text.toLowerCase()) ??
    null
  );
}

function parseJsonList(text: string): string[] | null {
  try {
    const parsed = JSON.parse(text) as unknown;
    return Array.isArray(parsed) ? parsed.map(String) : null;
  } catch {
    return null;
  }
}

function coercePoint(text: string): Coerced {
  if (text.startsWith("{")) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (isPoint(parsed)) return ok({ x: parsed.x, y: parsed.y });
    } catch {
      // fall through
    }
  }
  const numbers = text
    .replace(/^\(|\)$/g, "")
    .split(/[,;\s]+/)
    .filter((part) => part !== "")
    .map(Number);
  const [x, y] = numbers;
  if (numbers.length === 2 && x !== undefined && y !== undefined && Number.isFinite(x) && Number.isFinite(y)) {
    if (Math.abs(x) > 180 || Math.abs(y) > 90) return fail(`"${text}": longitude is -180..180, latitude -90..90`);
    return ok({ x, y });
  }
  return fail(`"${text}" is not a point (longitude, latitude)`);
}

/** The text a cell copies as: what `coerceText` reads back into the same value. */
export function copyText(field: Field, value: unknown): string {
  if (value === null || value === undefined) return "";
  switch (field.dataType) {
    case "date":
      return formatDate(value, dateFormatOf(field));
    case "multi-select":
      return Array.isArray(value) ? value.join(", ") : String(value);
    case "geo-point":
      return isPoint(value) ? `${value.x}, ${value.y}` : "";
    case "json":
    case "attachment":
      return JSON.stringify(value);
    default:
      return typeof value === "object" ? JSON.stringify(value) : String(value);
  }
}
