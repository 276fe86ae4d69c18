/** Dates as the column shows them (its `dateFormat` and `showTime`) and as the API takes them. */
import type { Column } from "../../../shared/api";

export const DEFAULT_DATE_FORMAT = "DD/MM/YYYY";

export interface DateFormat {
  pattern: string;
  showTime: boolean;
}

export function dateFormatOf(column: Pick<Column, "presentation">): DateFormat {
  const format = column.presentation?.format ?? {};
  const pattern =
    typeof format.dateFormat === "string" && format.dateFormat !== "" ? format.dateFormat : DEFAULT_DATE_FORMAT;
  return { pattern, showTime: format.showTime === true };
}

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

/**
 * The parts a person should see. A day without time is read in UTC (the API stores it as midnight UTC,
 * and it must not move a day west of Greenwich); a time is shown in the browser's zone.
 */
function partsOf(value: string, showTime: boolean): Parts | null {
  const plain = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (plain) return { year: Number(plain[1]), month: Number(plain[2]), day: Number(plain[3]), hour: 0, minute: 0 };
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  return showTime
    ? {
        year: date.getFullYear(),
        month: date.getMonth() + 1,
        day: date.getDate(),
        hour: date.getHours(),
        minute: date.getMinutes(),
      }
    : { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: 0, minute: 0 };
}

export function formatDate(value: unknown, format: DateFormat): string {
  if (typeof value !== "string" || value === "") return "";
  const parts = partsOf(value, format.showTime);
  if (parts === null) return value;
  const day = format.pattern
    .replace("YYYY", pad(parts.year, 4))
    .replace("MM", pad(parts.month))
    .replace("DD", pad(parts.day));
  return format.showTime ? `${day} ${pad(parts.hour)}:${pad(parts.minute)}` : day;
}

/** The value of an `<input type=date|datetime-local>`. */
export function toInputValue(value: unknown, showTime: boolean): string {
  if (typeof value !== "string" || value === "") return "";
  const parts = partsOf(value, showTime);
  if (parts === null) return "";
  const day = `${pad(parts.year, 4)}-${pad(parts.month)}-${pad(parts.day)}`;
  return showTime ? `${day}T${pad(parts.hour)}:${pad(parts.minute)}` : day;
}

/** What the API stores for an input's value: a day as `YYYY-MM-DD`, a local time as an ISO instant. */
export function fromInputValue(input: string, showTime: boolean): string | null {
  if (input === "") return null;
  if (!showTime) return /^\d{4}-\d{2}-\d{2}$/.test(input) ? input : null;
  const date = new Date(input);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/**
 * Text typed or pasted: ISO (`2026-05-01`, `2026-05-01T10:30`, with a zone or not), or the column's own
 * pattern, with an optional ` HH:mm`. Null when it is not a date.
 */
export function parseDateText(text: string, format: DateFormat): string | null {
  const trimmed = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed))
    return validDay(trimmed) ? toStored(trimmed, "00:00", format.showTime) : null;
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(trimmed)) {
    const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(trimmed);
    const date = new Date(hasZone ? trimmed : trimmed.replace(" ", "T"));
    if (Number.isNaN(date.getTime())) return null;
    return format.showTime ? date.toISOString() : trimmed.slice(0, 10);
  }
  const match = /^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})(?:[ T](\d{1,2}):(\d{2}))?$/.exec(trimmed);
  if (!match) return null;
  const order = format.pattern.replace(/[^YMD]/g, "").replace(/(.)\1+/g, "$1");
  const numbers = [match[1], match[2], match[3]].map(Number);
  const pick = (letter: string) => numbers[order.indexOf(letter)] ?? NaN;
  const day = `${pad(pick("Y"), 4)}-${pad(pick("M"))}-${pad(pick("D"))}`;
  if (!validDay(day)) return null;
  const time = match[4] === undefined ? "00:00" : `${pad(Number(match[4]))}:${match[5]}`;
  return toStored(day, time, format.showTime);
}

function validDay(day: string): boolean {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  const check = new Date(Date.UTC(year, month - 1, date));
  return check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === date;
}

function toStored(day: string, time: string, showTime: boolean): string {
  return showTime ? new Date(`${day}T${time}`).toISOString() : day;
}
