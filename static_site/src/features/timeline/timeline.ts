/** The timeline's layout (its view's config), its scale (days ⇄ pixels) and the order of its rows. */
import type { Column, RecordRow } from "../../shared/api";
import { type FilterGroup, readFilterTree, writeFilterTree } from "../grid";
import {
  addDays,
  asObject,
  DATE_TYPES,
  type DayRange,
  dayOr,
  daysBetween,
  displayDefault,
  fieldOf,
  firstOf,
  NUMBER_TYPES,
  oneOf,
} from "../viewswitch";

export type TimelineZoom = "day" | "week" | "month";
export const TIMELINE_ZOOMS: readonly TimelineZoom[] = ["day", "week", "month"];

export interface TimelineLayout {
  start: string | null;
  end: string | null;
  display: string | null;
  progress: string | null;
  parent: string | null;
  zoom: TimelineZoom;
  /** The first visible day; null is a little before today. */
  from: string | null;
  filter: FilterGroup;
}

export function readTimeline(config: unknown, schema: readonly Column[]): TimelineLayout {
  const raw = asObject(config);
  const dates = schema.filter((column) => column.dataType === "date");
  const start = fieldOf(raw.start, schema, DATE_TYPES) ?? firstOf(dates, DATE_TYPES) ?? firstOf(schema, DATE_TYPES);
  const stored = "end" in raw;
  return {
    start,
    end: stored ? fieldOf(raw.end, schema, DATE_TYPES) : (dates.find((column) => column.name !== start)?.name ?? null),
    display: fieldOf(raw.display, schema, null) ?? displayDefault(schema),
    progress: fieldOf(raw.progress, schema, NUMBER_TYPES),
    parent: fieldOf(raw.parent, schema, null),
    zoom: oneOf(raw.zoom, TIMELINE_ZOOMS, "week"),
    from: dayOr(raw.from, null),
    filter: readFilterTree(raw.filter, schema),
  };
}

export function writeTimeline(layout: TimelineLayout): Record<string, unknown> {
  const { start, end, display, progress, parent, zoom, from } = layout;
  return { version: 1, start, end, display, progress, parent, zoom, from, filter: writeFilterTree(layout.filter) };
}

export const timelineCodec = { read: readTimeline, write: writeTimeline };

/** Pixels per day and the days a screen shows, per zoom. */
export const SCALES: Record<TimelineZoom, { pxPerDay: number; days: number; step: number }> = {
  day: { pxPerDay: 40, days: 35, step: 7 },
  week: { pxPerDay: 12, days: 119, step: 28 },
  month: { pxPerDay: 3, days: 420, step: 91 },
};

export interface Scale {
  range: DayRange;
  pxPerDay: number;
  width: number;
}

export function scaleOf(zoom: TimelineZoom, from: string): Scale {
  const { pxPerDay, days } = SCALES[zoom];
  return { range: { start: from, end: addDays(from, days - 1) }, pxPerDay, width: days * pxPerDay };
}

/** The x of a day's left edge. */
export function xOf(scale: Scale, day: string): number {
  return daysBetween(scale.range.start, day) * scale.pxPerDay;
}

/** The bar of a span: from its start's left edge to its end's right edge (ends included), clipped to the screen. */
export function barOf(scale: Scale, span: DayRange): { x: number; width: number } | null {
  const left = Math.max(0, xOf(scale, span.start));
  const right = Math.min(scale.width, xOf(scale, span.end) + scale.pxPerDay);
  return right <= left ? null : { x: left, width: right - left };
}

/** Whole days a pointer moved (dragging a bar or its end). */
export function dragDays(scale: Scale, dx: number): number {
  return Math.round(dx / scale.pxPerDay) || 0;
}

/** The progress (0–100, whole) a handle at `x` means on a bar. */
export function progressAt(barX: number, barWidth: number, x: number): number {
  if (barWidth <= 0) return 0;
  return Math.max(0, Math.min(100, Math.round(((x - barX) / barWidth) * 100)));
}

/** A stored progress as 0–100 (a fraction up to 1 is read as such only when the column is a number of 0–1). */
export function progressOf(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? Math.max(0, Math.min(100, value)) : 0;
}

/** The end after its edge was dragged by `days`: never before the start. */
export function resizedEnd(span: DayRange, days: number): string {
  const end = addDays(span.end, days);
  return end < span.start ? span.start : end;
}

/** Where the first screen of a zoom starts: a few days before a day (a week before for week zoom, a month for month). */
export function defaultFrom(zoom: TimelineZoom, day: string): string {
  return addDays(day, -SCALES[zoom].step / 2);
}

/** Rows in tree order: each record after its parent (the parent field holds the parent's key), with its depth. */
export function treeOrder(
  rows: readonly RecordRow[],
  primaryKey: string,
  parent: string | null,
  sortKey: (row: RecordRow) => string,
): { row: RecordRow; depth: number }[] {
  const sorted = [...rows].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
  if (parent === null) return sorted.map((row) => ({ row, depth: 0 }));
  const ids = new Set(sorted.map((row) => String(row[primaryKey])));
  const children = new Map<string, RecordRow[]>();
  const roots: RecordRow[] = [];
  for (const row of sorted) {
    const parentId = row[parent];
    if (
      parentId !== null &&
      parentId !== undefined &&
      ids.has(String(parentId)) &&
      String(parentId) !== String(row[primaryKey])
    ) {
      const list = children.get(String(parentId)) ?? [];
      list.push(row);
      children.set(String(parentId), list);
    } else roots.push(row);
  }
  const out: { row: RecordRow; depth: number }[] = [];
  const seen = new Set<string>();
  const visit = (row: RecordRow, depth: number) => {
    const id = String(row[primaryKey]);
    if (seen.has(id)) return;
    seen.add(id);
    out.push({ row, depth });
    for (const child of children.get(id) ?? []) visit(child, depth + 1);
  };
  for (const row of roots) visit(row, 0);
  // A cycle of parents has no root: show its records anyway.
  for (const row of sorted) visit(row, 0);
  return out;
}
