import type { WhereFilter } from "../grid";
/**
 * Days as the calendar and the timeline see them: `YYYY-MM-DD` keys in UTC (a date column stores
 * midnight UTC, as the grid reads it), the WhereFilter that fetches only a visible range, and the
 * PATCH body that moves a record by whole days.
 */

export const DAY_MS = 86_400_000;

export interface DayRange {
  /** The first visible day, `YYYY-MM-DD`. */
  start: string;
  /** The last visible day (included), `YYYY-MM-DD`. */
  end: string;
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** The UTC day of a stored date (`2026-05-01`, or an ISO instant), else null. */
export function dayOf(value: unknown): string | null {
  if (typeof value !== "string" || value === "") return null;
  if (DAY_RE.test(value)) return value;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString().slice(0, 10);
}

export function dayToTime(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function timeToDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return timeToDay(dayToTime(day) + days * DAY_MS);
}

/** Whole days from `a` to `b` (negative when `b` is earlier). */
export function daysBetween(a: string, b: string): number {
  return Math.round((dayToTime(b) - dayToTime(a)) / DAY_MS);
}

/** Today in UTC, as the calendar's days are. */
export function today(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** The range's bounds as the API compares them with a timestamp: the first instant, the last millisecond. */
export function rangeBounds(range: DayRange): { from: string; to: string } {
  return { from: `${range.start}T00:00:00.000Z`, to: `${range.end}T23:59:59.999Z` };
}

/**
 * The server's filter for the records a range shows. One date field: `gte` start and `lte` end on it.
 * Two fields: the record's span overlaps the range, `start <= rangeEnd AND end >= rangeStart` (a record
 * without an end counts from its start). The view's own filter is and-ed on.
 */
export function rangeFilter(
  startField: string,
  endField: string | null,
  range: DayRange,
  own: WhereFilter | null = null,
): WhereFilter {
  const { from, to } = rangeBounds(range);
  const parts: WhereFilter[] =
    endField === null || endField === startField
      ? [{ [startField]: { gte: from, lte: to } }]
      : [
          { [startField]: { lte: to } },
          {
            or: [
              { [endField]: { gte: from } },
              { and: [{ [endField]: { isNull: true } }, { [startField]: { gte: from } }] },
            ],
          },
        ];
  if (own !== null) parts.push(own);
  return parts.length === 1 ? (parts[0] as WhereFilter) : { and: parts };
}

/** A stored date moved by whole days, in the form it came in (a day stays a day, an instant an instant). */
export function shiftValue(value: unknown, days: number): unknown {
  if (typeof value !== "string" || value === "") return value;
  if (DAY_RE.test(value)) return addDays(value, days);
  const time = Date.parse(value);
  return Number.isNaN(time) ? value : new Date(time + days * DAY_MS).toISOString();
}

/**
 * The PATCH body of a record dragged by `days`: its start moves, and its end by the same shift (so
 * it keeps its length). Null when nothing moves.
 */
export function shiftPatch(
  row: Record<string, unknown>,
  startField: string,
  endField: string | null,
  days: number,
): Record<string, unknown> | null {
  if (days === 0 || row[startField] === null || row[startField] === undefined) return null;
  const body: Record<string, unknown> = { [startField]: shiftValue(row[startField], days) };
  if (endField !== null && endField !== startField && row[endField] !== null && row[endField] !== undefined) {
    body[endField] = shiftValue(row[endField], days);
  }
  return body;
}

/** A record's span in days: from its start to its end (its start when the end is missing or earlier). */
export function spanOf(row: Record<string, unknown>, startField: string, endField: string | null): DayRange | null {
  const start = dayOf(row[startField]);
  if (start === null) return null;
  const end = endField === null ? null : dayOf(row[endField]);
  return { start, end: end !== null && end >= start ? end : start };
}
