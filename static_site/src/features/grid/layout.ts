/**
 * A grid's layout (what a saved view of type "grid" holds): column order, widths, hidden and frozen
 * columns, row height, filter tree, sorts, group-by and footer aggregates. Never the search box.
 */
import type { Column } from "../../shared/api";
import { AGGREGATE_KINDS, type AggregateKind } from "./aggregates";
import { emptyGroup, type FilterGroup, readFilterTree, writeFilterTree } from "./filters/filterModel";
import type { SortSpec } from "./listQuery";

export const ROW_HEIGHTS = { S: 32, M: 56, L: 92, XL: 128 } as const;
export type RowHeight = keyof typeof ROW_HEIGHTS;
export const MAX_GROUP_BY = 3;
/** The config's own version, so a later studio can read what this one wrote. */
export const LAYOUT_VERSION = 1;

export interface GridLayout {
  /** Every column of the table, in display order (hidden ones included). */
  order: string[];
  widths: Record<string, number>;
  hidden: string[];
  /** How many of the leading visible columns stay put when scrolling sideways. */
  frozen: number;
  rowHeight: RowHeight;
  filter: FilterGroup;
  sort: SortSpec[];
  groupBy: string[];
  aggregates: Record<string, AggregateKind>;
}

export function defaultLayout(schema: readonly Column[]): GridLayout {
  return {
    order: schema.map((column) => column.name),
    widths: {},
    hidden: [],
    frozen: 0,
    rowHeight: "S",
    filter: emptyGroup(),
    sort: [],
    groupBy: [],
    aggregates: {},
  };
}

/** The view's `config`: plain JSON. */
export function toViewConfig(layout: GridLayout): Record<string, unknown> {
  return {
    version: LAYOUT_VERSION,
    columns: {
      order: layout.order,
      widths: layout.widths,
      hidden: layout.hidden,
      frozen: layout.frozen,
    },
    rowHeight: layout.rowHeight,
    filter: writeFilterTree(layout.filter),
    sort: layout.sort,
    groupBy: layout.groupBy,
    aggregates: layout.aggregates,
  };
}

/**
 * A stored config read against today's schema: columns dropped since are forgotten, columns added
 * since are appended (visible), and anything malformed falls back to the default.
 */
export function fromViewConfig(config: unknown, schema: readonly Column[]): GridLayout {
  const base = defaultLayout(schema);
  if (!isRecord(config)) return base;
  const names = new Set(base.order);
  const known = (name: unknown): name is string => typeof name === "string" && names.has(name);
  const columns = isRecord(config.columns) ? config.columns : {};

  const stored = unique(arrayOf(columns.order).filter(known));
  const order = [...stored, ...base.order.filter((name) => !stored.includes(name))];
  const widths: Record<string, number> = {};
  if (isRecord(columns.widths)) {
    for (const [name, width] of Object.entries(columns.widths)) {
      if (known(name) && typeof width === "number" && Number.isFinite(width))
        widths[name] = clamp(Math.round(width), 40, 2000);
    }
  }
  const hidden = unique(arrayOf(columns.hidden).filter(known));
  const frozen = typeof columns.frozen === "number" ? clamp(Math.floor(columns.frozen), 0, order.length) : 0;
  const rowHeight =
    typeof config.rowHeight === "string" && config.rowHeight in ROW_HEIGHTS ? (config.rowHeight as RowHeight) : "S";
  const sort: SortSpec[] = [];
  for (const spec of arrayOf(config.sort)) {
    if (!isRecord(spec) || !known(spec.column) || sort.some(({ column }) => column === spec.column)) continue;
    sort.push({ column: spec.column, direction: spec.direction === "desc" ? "desc" : "asc" });
  }
  const groupBy = unique(arrayOf(config.groupBy).filter(known)).slice(0, MAX_GROUP_BY);
  const aggregates: Record<string, AggregateKind> = {};
  if (isRecord(config.aggregates)) {
    for (const [name, kind] of Object.entries(config.aggregates)) {
      if (known(name) && (AGGREGATE_KINDS as readonly unknown[]).includes(kind))
        aggregates[name] = kind as AggregateKind;
    }
  }
  return {
    order,
    widths,
    hidden,
    frozen,
    rowHeight,
    filter: readFilterTree(config.filter, schema),
    sort,
    groupBy,
    aggregates,
  };
}

/** The visible columns in display order. */
export function visibleColumns(layout: GridLayout, schema: readonly Column[]): Column[] {
  const byName = new Map(schema.map((column) => [column.name, column]));
  const hidden = new Set(layout.hidden);
  return layout.order.flatMap((name) => {
    const column = byName.get(name);
    return column === undefined || hidden.has(name) ? [] : [column];
  });
}

/** Moves a visible column (Glide's indexes count visible columns only) within the full order. */
export function moveColumn(layout: GridLayout, schema: readonly Column[], from: number, to: number): GridLayout {
  const visible = visibleColumns(layout, schema).map((column) => column.name);
  const moving = visible[from];
  const target = visible[to];
  if (moving === undefined || target === undefined || from === to) return layout;
  const order = layout.order.filter((name) => name !== moving);
  const at = order.indexOf(target);
  order.splice(from < to ? at + 1 : at, 0, moving);
  return { ...layout, order };
}

export function setHidden(layout: GridLayout, column: string, hidden: boolean): GridLayout {
  const rest = layout.hidden.filter((name) => name !== column);
  return { ...layout, hidden: hidden ? [...rest, column] : rest };
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
