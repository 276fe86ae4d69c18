/** Footer aggregates and group counts as `POST /rest/db/{table}/aggregate` requests, and their answers. */
import type { Column } from "../../shared/api";
import { filterFamily } from "./filters/filterModel";
import type { WhereFilter } from "./listQuery";

export const AGGREGATE_KINDS = ["count", "filled", "unique", "sum", "avg", "min", "max"] as const;
export type AggregateKind = (typeof AGGREGATE_KINDS)[number];

export const AGGREGATE_LABELS: Record<AggregateKind, string> = {
  count: "Count",
  filled: "Filled",
  unique: "Unique",
  sum: "Sum",
  avg: "Average",
  min: "Min",
  max: "Max",
};

/** What the server computes for each column (sum/avg on numbers; min/max not on booleans, JSON, points or lists). */
export function aggregatesFor(column: Column): AggregateKind[] {
  const family = filterFamily(column);
  const kinds: AggregateKind[] = ["count", "filled"];
  if (family !== "other") kinds.push("unique");
  if (family === "number") kinds.push("sum", "avg");
  if (ORDERED.has(family)) kinds.push("min", "max");
  return kinds;
}

const ORDERED: ReadonlySet<string> = new Set(["number", "date", "text", "select", "reference"]);

/** Columns the groups can be made of: one value per record that PostgreSQL can group. */
export function canGroupBy(column: Column): boolean {
  return ORDERED.has(filterFamily(column)) || filterFamily(column) === "checkbox";
}

export function aggregateExpression(kind: AggregateKind, column: string): string {
  switch (kind) {
    case "count":
      return "count(*)";
    case "filled":
      return `count(${column})`;
    case "unique":
      return `count(distinct ${column})`;
    default:
      return `${kind}(${column})`;
  }
}

export interface AggregateRequest {
  select: string[];
  where?: WhereFilter;
  search?: string;
  group?: string[];
  order?: string;
  limit?: number;
}

/** One request for every footer aggregate, each under an alias `a0`, `a1`, ... (column names may be any text). */
export function footerRequest(
  aggregates: Readonly<Record<string, AggregateKind>>,
  columns: readonly string[],
  where: WhereFilter | null,
  search = "",
): { request: AggregateRequest; aliases: Record<string, string> } | null {
  const aliases: Record<string, string> = {};
  const select: string[] = [];
  for (const column of columns) {
    const kind = aggregates[column];
    if (kind === undefined) continue;
    const alias = `a${select.length}`;
    select.push(`${aggregateExpression(kind, column)} as ${alias}`);
    aliases[column] = alias;
  }
  if (select.length === 0) return null;
  return { request: { select, ...narrowing(where, search) }, aliases };
}

/** The rows the grid shows: its filter and its search, as the records route takes them. */
function narrowing(where: WhereFilter | null, search: string): Pick<AggregateRequest, "where" | "search"> {
  const term = search.trim();
  return { ...(where === null ? {} : { where }), ...(term === "" ? {} : { search: term }) };
}

export const GROUP_COUNT_ALIAS = "group_count";
export const MAX_GROUPS = 1000;

/** The groups of up to three columns with their counts, ordered by the group keys. */
export function groupRequest(groupBy: readonly string[], where: WhereFilter | null, search = ""): AggregateRequest {
  return {
    select: [...groupBy, `count(*) as ${GROUP_COUNT_ALIAS}`],
    ...narrowing(where, search),
    order: groupBy.join(","),
    limit: MAX_GROUPS,
  };
}

export interface GroupRow {
  values: unknown[];
  count: number;
}

export function readGroups(rows: readonly Record<string, unknown>[], groupBy: readonly string[]): GroupRow[] {
  return rows.map((row) => ({
    values: groupBy.map((column) => row[column] ?? null),
    count: Number(row[GROUP_COUNT_ALIAS] ?? 0),
  }));
}

/** The records of one group: the view's filter and an equality (or IS NULL) per group key. */
export function groupFilter(
  groupBy: readonly string[],
  values: readonly unknown[],
  where: WhereFilter | null,
): WhereFilter {
  const keys: WhereFilter[] = groupBy.map((column, index) => {
    const value = values[index] ?? null;
    if (value === null) return { [column]: { isNull: true } };
    return { [column]: { eq: value } };
  });
  const parts = where === null ? keys : [where, ...keys];
  return parts.length === 1 ? (parts[0] as WhereFilter) : { and: parts };
}

/** A footer value as a person reads it. */
export function formatAggregate(kind: AggregateKind, value: unknown): string {
  if (value === null || value === undefined) return "–";
  if (typeof value === "number") {
    return kind === "avg" ? value.toLocaleString("en", { maximumFractionDigits: 2 }) : value.toLocaleString("en");
  }
  return String(value);
}
