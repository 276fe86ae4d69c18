/**
 * The filter builder's state (nested and/or groups of conditions, values as typed) and its translation
 * into the REST API's WhereFilter, with the operators each field type offers.
 */
import type { Column, FieldType } from "../../../shared/api";
import type { WhereFilter } from "../listQuery";

export type Combinator = "and" | "or";

export type FilterOperator =
  | "eq"
  | "ne"
  | "gt"
  | "gte"
  | "lt"
  | "lte"
  | "between"
  | "contains"
  | "startsWith"
  | "in"
  | "notIn"
  | "overlaps"
  | "isNull"
  | "notNull";

export interface FilterCondition {
  kind: "condition";
  id: string;
  column: string;
  operator: FilterOperator;
  /** As typed; a list operator takes comma-separated values. */
  value: string;
  /** The upper bound of `between`. */
  value2: string;
}

export interface FilterGroup {
  kind: "group";
  id: string;
  combinator: Combinator;
  children: FilterNode[];
}

export type FilterNode = FilterCondition | FilterGroup;

/** How the builder treats a column: which operators, and how a typed value becomes JSON. */
export type FilterFamily = "text" | "number" | "date" | "select" | "multi" | "checkbox" | "reference" | "other";

const FAMILIES: Record<FieldType, FilterFamily> = {
  text: "text",
  "long-text": "text",
  email: "text",
  url: "text",
  integer: "number",
  number: "number",
  "auto-number": "number",
  date: "date",
  "auto-date": "date",
  select: "select",
  "multi-select": "multi",
  checkbox: "checkbox",
  reference: "reference",
  json: "other",
  "geo-point": "other",
  attachment: "other",
  formula: "other",
};

const FORMULA_FAMILIES: Record<string, FilterFamily> = {
  text: "text",
  number: "number",
  integer: "number",
  numeric: "number",
  boolean: "checkbox",
  checkbox: "checkbox",
  date: "date",
  timestamp: "date",
};

export function filterFamily(column: Column): FilterFamily {
  if (column.dataType === "formula") return FORMULA_FAMILIES[column.formula?.resultType ?? ""] ?? "other";
  return FAMILIES[column.dataType];
}

const NULLS: FilterOperator[] = ["isNull", "notNull"];
const COMPARISONS: FilterOperator[] = ["eq", "ne", "gt", "gte", "lt", "lte", "between", ...NULLS];

export const OPERATORS: Record<FilterFamily, readonly FilterOperator[]> = {
  text: ["eq", "ne", "contains", "startsWith", ...NULLS],
  number: COMPARISONS,
  date: COMPARISONS,
  select: ["in", "notIn", ...NULLS],
  multi: ["contains", "overlaps", ...NULLS],
  checkbox: ["eq", ...NULLS],
  reference: ["eq", "in", ...NULLS],
  other: NULLS,
};

export const OPERATOR_LABELS: Record<FilterOperator, string> = {
  eq: "is",
  ne: "is not",
  gt: ">",
  gte: "≥",
  lt: "<",
  lte: "≤",
  between: "between",
  contains: "contains",
  startsWith: "starts with",
  in: "is any of",
  notIn: "is none of",
  overlaps: "has any of",
  isNull: "is empty",
  notNull: "is not empty",
};

export function operatorsFor(column: Column): readonly FilterOperator[] {
  return OPERATORS[filterFamily(column)];
}

/** Operators that take no value, and those that take a comma-separated list. */
export function takesValue(operator: FilterOperator): boolean {
  return operator !== "isNull" && operator !== "notNull";
}

export function takesList(family: FilterFamily, operator: FilterOperator): boolean {
  return (
    operator === "in" ||
    operator === "notIn" ||
    operator === "overlaps" ||
    (family === "multi" && operator === "contains")
  );
}

let counter = 0;
export function newId(): string {
  counter += 1;
  return `f${Date.now().toString(36)}${counter}`;
}

export function emptyGroup(combinator: Combinator = "and"): FilterGroup {
  return { kind: "group", id: newId(), combinator, children: [] };
}

export function newCondition(column: Column): FilterCondition {
  const operator = operatorsFor(column)[0] ?? "isNull";
  return { kind: "condition", id: newId(), column: column.name, operator, value: "", value2: "" };
}

/** The builder's tree as a WhereFilter, or null when nothing in it filters yet. */
export function toWhereFilter(root: FilterGroup, schema: readonly Column[]): WhereFilter | null {
  const byName = new Map(schema.map((column) => [column.name, column]));
  return nodeFilter(root, byName);
}

function nodeFilter(node: FilterNode, byName: ReadonlyMap<string, Column>): WhereFilter | null {
  if (node.kind === "condition") {
    const column = byName.get(node.column);
    return column === undefined ? null : conditionFilter(node, column);
  }
  const parts = node.children.map((child) => nodeFilter(child, byName)).filter((part) => part !== null);
  if (parts.length === 0) return null;
  if (parts.length === 1) return parts[0] ?? null;
  return { [node.combinator]: parts };
}

/** One condition as `{"col": {"op": value}}`; null while its value is missing or unreadable. */
export function conditionFilter(condition: FilterCondition, column: Column): WhereFilter | null {
  const family = filterFamily(column);
  const { operator } = condition;
  if (!OPERATORS[family].includes(operator)) return null;
  if (!takesValue(operator)) return { [column.name]: { [operator]: true } };
  if (takesList(family, operator)) {
    const values = splitList(condition.value).map((text) => parseValue(family, text));
    if (values.length === 0 || values.some((value) => value === undefined)) return null;
    return { [column.name]: { [operator]: values } };
  }
  const value = parseValue(family, condition.value);
  if (value === undefined) return null;
  if (operator === "between") {
    const upper = parseValue(family, condition.value2);
    if (upper === undefined) return null;
    return { [column.name]: { between: [value, upper] } };
  }
  if (family === "text" && operator === "contains")
    return { [column.name]: { ilike: `%${escapeLike(String(value))}%` } };
  return { [column.name]: { [operator]: value } };
}

/** `%`, `_` and `\` match themselves in a "contains" search. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

function splitList(text: string): string[] {
  return text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
}

function parseValue(family: FilterFamily, text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  switch (family) {
    case "number": {
      const number = Number(trimmed);
      return Number.isFinite(number) ? number : undefined;
    }
    case "checkbox":
      if (trimmed === "true") return true;
      if (trimmed === "false") return false;
      return undefined;
    case "reference":
      return /^-?\d+$/.test(trimmed) && Number.isSafeInteger(Number(trimmed)) ? Number(trimmed) : trimmed;
    case "text":
      return text;
    default:
      return trimmed;
  }
}

/** Counts the conditions in a tree (what the Filter button shows). */
export function countConditions(node: FilterNode): number {
  return node.kind === "condition" ? 1 : node.children.reduce((sum, child) => sum + countConditions(child), 0);
}

/** Tree edits, by node id. */
export function updateNode(
  root: FilterGroup,
  id: string,
  update: (node: FilterNode) => FilterNode | null,
): FilterGroup {
  return mapGroup(root, id, update) as FilterGroup;
}

function mapGroup(node: FilterNode, id: string, update: (node: FilterNode) => FilterNode | null): FilterNode | null {
  if (node.id === id) return update(node);
  if (node.kind === "condition") return node;
  const children = node.children
    .map((child) => mapGroup(child, id, update))
    .filter((child): child is FilterNode => child !== null);
  return { ...node, children };
}

/** Reads a stored tree back, dropping what no longer fits the schema's columns or their operators. */
export function readFilterTree(raw: unknown, schema: readonly Column[]): FilterGroup {
  const byName = new Map(schema.map((column) => [column.name, column]));
  const node = readNode(raw, byName, 0);
  return node?.kind === "group" ? node : emptyGroup();
}

function readNode(raw: unknown, byName: ReadonlyMap<string, Column>, depth: number): FilterNode | null {
  if (typeof raw !== "object" || raw === null || depth > 8) return null;
  const record = raw as Record<string, unknown>;
  if (record.kind === "group") {
    const children = Array.isArray(record.children) ? record.children : [];
    return {
      kind: "group",
      id: newId(),
      combinator: record.combinator === "or" ? "or" : "and",
      children: children.map((child) => readNode(child, byName, depth + 1)).filter((child) => child !== null),
    };
  }
  if (record.kind === "condition" && typeof record.column === "string") {
    const column = byName.get(record.column);
    const operator = record.operator as FilterOperator;
    if (column === undefined || !operatorsFor(column).includes(operator)) return null;
    return {
      kind: "condition",
      id: newId(),
      column: column.name,
      operator,
      value: typeof record.value === "string" ? record.value : "",
      value2: typeof record.value2 === "string" ? record.value2 : "",
    };
  }
  return null;
}

/** The tree without its ids (ids are the builder's own; a stored view does not need them). */
export function writeFilterTree(node: FilterNode): unknown {
  if (node.kind === "condition") {
    const { column, operator, value, value2 } = node;
    return { kind: "condition", column, operator, value, value2 };
  }
  return { kind: "group", combinator: node.combinator, children: node.children.map(writeFilterTree) };
}
