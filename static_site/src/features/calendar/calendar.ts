/** The calendar's layout (its view's config) and the days a mode shows. */
import type { Column } from "../../shared/api";
import { emptyGroup, type FilterGroup, readFilterTree, writeFilterTree } from "../grid";
import {
  addDays,
  asObject,
  DATE_TYPES,
  type DayRange,
  dayOr,
  dayToTime,
  displayDefault,
  fieldOf,
  firstOf,
  oneOf,
  today,
} from "../viewswitch";

export type CalendarMode = "month" | "week" | "day";
export const CALENDAR_MODES: readonly CalendarMode[] = ["month", "week", "day"];

export interface CalendarLayout {
  start: string | null;
  /** Null: events are one day long, on their start. */
  end: string | null;
  display: string | null;
  mode: CalendarMode;
  /** The day the range is around (`YYYY-MM-DD`); null is today. */
  date: string | null;
  filter: FilterGroup;
}

export function readCalendar(config: unknown, schema: readonly Column[]): CalendarLayout {
  const raw = asObject(config);
  const start =
    fieldOf(raw.start, schema, DATE_TYPES) ??
    firstOf(
      schema.filter((column) => column.dataType === "date"),
      DATE_TYPES,
    ) ??
    firstOf(schema, DATE_TYPES);
  return {
    start,
    end: fieldOf(raw.end, schema, DATE_TYPES),
    display: fieldOf(raw.display, schema, null) ?? displayDefault(schema),
    mode: oneOf(raw.mode, CALENDAR_MODES, "month"),
    date: dayOr(raw.date, null),
    filter: readFilterTree(raw.filter, schema),
  };
}

export function writeCalendar(layout: CalendarLayout): Record<string, unknown> {
  return {
    version: 1,
    start: layout.start,
    end: layout.end,
    display: layout.display,
    mode: layout.mode,
    date: layout.date,
    filter: writeFilterTree(layout.filter),
  };
}

export const calendarCodec = { read: readCalendar, write: writeCalendar };

export { emptyGroup };

/** Monday of the day's week (UTC). */
export function weekStart(day: string): string {
  const weekday = (new Date(dayToTime(day)).getUTCDay() + 6) % 7;
  return addDays(day, -weekday);
}

/** The days a mode shows around a day: the month's whole weeks, the week (Monday to Sunday), or the day. */
export function visibleRange(mode: CalendarMode, day: string): DayRange {
  if (mode === "day") return { start: day, end: day };
  if (mode === "week") {
    const start = weekStart(day);
    return { start, end: addDays(start, 6) };
  }
  const first = `${day.slice(0, 7)}-01`;
  const last = addDays(monthStep(first, 1), -1);
  const start = weekStart(first);
  return { start, end: addDays(weekStart(last), 6) };
}

/** The same day a number of months on (the 31st becomes the month's last day). */
export function monthStep(day: string, months: number): string {
  const date = new Date(dayToTime(day));
  const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  return target.toISOString().slice(0, 10);
}

/** Previous (-1) or next (+1) month, week or day. */
export function stepDate(mode: CalendarMode, day: string, direction: -1 | 1): string {
  if (mode === "month") return monthStep(day, direction);
  return addDays(day, direction * (mode === "week" ? 7 : 1));
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** "December 2026", "30 Nov – 6 Dec 2026", "Sunday 6 December 2026". */
export function rangeTitle(mode: CalendarMode, day: string): string {
  const date = new Date(dayToTime(day));
  if (mode === "month") return `${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
  if (mode === "day") return longDay(day);
  const { start, end } = visibleRange("week", day);
  return `${shortDay(start)} – ${shortDay(end)} ${end.slice(0, 4)}`;
}

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

export function longDay(day: string): string {
  const date = new Date(dayToTime(day));
  return `${WEEKDAYS[date.getUTCDay()]} ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

function shortDay(day: string): string {
  const date = new Date(dayToTime(day));
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]?.slice(0, 3)}`;
}

export function daysOf(range: DayRange): string[] {
  const days: string[] = [];
  for (let day = range.start; day <= range.end; day = addDays(day, 1)) days.push(day);
  return days;
}

export { today };
