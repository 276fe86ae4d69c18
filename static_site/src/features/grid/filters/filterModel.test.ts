import { describe, expect, it } from "vitest";
import type { Column, FieldType } from "../../../shared/api";
import {
  countConditions,
  emptyGroup,
  escapeLike,
  type FilterCondition,
  type FilterGroup,
  type FilterNode,
  type FilterOperator,
  operatorsFor,
  readFilterTree,
  toWhereFilter,
  updateNode,
  writeFilterTree,
} from "./filterModel";

function column(name: string, dataType: FieldType, extra: Partial<Column> = {}): Column {
  return { name, dataType, primary: false, nullable: true, presentation: null, options: null, formula: null, ...extra };
}

const schema = [
  column("name", "text"),
  column("amount", "number"),
  column("seats", "integer"),
  column("closed_on", "date"),
  column("stage", "select", { options: ["won", "lost", "open"] }),
  column("tags", "multi-select"),
  column("active", "checkbox"),
  column("owner", "reference"),
  column("meta", "json"),
];

const when = (col: string, operator: FilterOperator, value = "", value2 = ""): FilterCondition => ({
  kind: "condition",
  id: `${col}-${operator}`,
  column: col,
  operator,
  value,
  value2,
});
const group = (combinator: "and" | "or", ...children: FilterNode[]): FilterGroup => ({
  kind: "group",
  id: "g",
  combinator,
  children,
});

describe("operatorsFor", () => {
  it("offers each field type its own operators", () => {
    const names = (name: string) => operatorsFor(schema.find((c) => c.name === name) as Column);
    expect(names("name")).toEqual(["eq", "ne", "contains", "startsWith", "isNull", "notNull"]);
    expect(names("amount")).toEqual(["eq", "ne", "gt", "gte", "lt", "lte", "between", "isNull", "notNull"]);
    expect(names("closed_on")).toEqual(names("amount"));
    expect(names("stage")).toEqual(["in", "notIn", "isNull", "notNull"]);
    expect(names("tags")).toEqual(["contains", "overlaps", "isNull", "notNull"]);
    expect(names("active")).toEqual(["eq", "isNull", "notNull"]);
    expect(names("owner")).toEqual(["eq", "in", "isNull", "notNull"]);
    expect(names("meta")).toEqual(["isNull", "notNull"]);
  });

  it("types a formula by its result", () => {
    expect(operatorsFor(column("total", "formula", { formula: { resultType: "number" } }))).toContain("between");
  });
});

describe("toWhereFilter", () => {
  it("is null for an empty tree or conditions without values", () => {
    expect(toWhereFilter(emptyGroup(), schema)).toBeNull();
    expect(toWhereFilter(group("and", when("name", "eq"), group("or")), schema)).toBeNull();
  });

  it("writes one condition without a group around it", () => {
    expect(toWhereFilter(group("and", when("amount", "gte", "1000")), schema)).toEqual({ amount: { gte: 1000 } });
  });

  it("nests and/or groups", () => {
    const tree = group(
      "and",
      when("stage", "in", "won, lost"),
      group("or", when("amount", "gt", "10"), when("name", "startsWith", "Hel")),
    );
    expect(toWhereFilter(tree, schema)).toEqual({
      and: [{ stage: { in: ["won", "lost"] } }, { or: [{ amount: { gt: 10 } }, { name: { startsWith: "Hel" } }] }],
    });
  });

  it("turns text contains into an escaped ilike", () => {
    expect(toWhereFilter(group("and", when("name", "contains", "50%_off")), schema)).toEqual({
      name: { ilike: "%50\\%\\_off%" },
    });
    expect(escapeLike("a\\b")).toBe("a\\\\b");
  });

  it("types values by column", () => {
    const tree = group(
      "and",
      when("closed_on", "between", "2026-01-01", "2026-03-31"),
      when("tags", "overlaps", "api,  beta"),
      when("tags", "contains", "api"),
      when("active", "eq", "false"),
      when("owner", "in", "3, 7"),
      when("owner", "eq", "a1b2"),
      when("meta", "isNull"),
      when("stage", "notIn", "open"),
      when("seats", "ne", "4"),
    );
    expect(toWhereFilter(tree, schema)).toEqual({
      and: [
        { closed_on: { between: ["2026-01-01", "2026-03-31"] } },
        { tags: { overlaps: ["api", "beta"] } },
        { tags: { contains: ["api"] } },
        { active: { eq: false } },
        { owner: { in: [3, 7] } },
        { owner: { eq: "a1b2" } },
        { meta: { isNull: true } },
        { stage: { notIn: ["open"] } },
        { seats: { ne: 4 } },
      ],
    });
  });

  it("skips what cannot be read: a non-number, half a between, an unknown column, a foreign operator", () => {
    const tree = group(
      "or",
      when("amount", "gt", "ten"),
      when("amount", "between", "1"),
      when("gone", "eq", "x"),
      when("name", "gt", "a"),
      when("active", "eq", "yes"),
      when("name", "eq", "Ada"),
    );
    expect(toWhereFilter(tree, schema)).toEqual({ name: { eq: "Ada" } });
  });
});

describe("tree edits and storage", () => {
  it("updates and removes nodes by id, and counts conditions", () => {
    const tree = group(
      "and",
      when("name", "eq", "a"),
      group("or", when("amount", "gt", "1"), when("seats", "lt", "2")),
    );
    expect(countConditions(tree)).toBe(3);
    const changed = updateNode(tree, "amount-gt", (node) => ({ ...node, value: "5" }) as FilterNode);
    expect(toWhereFilter(changed, schema)).toMatchObject({ and: [{}, { or: [{ amount: { gt: 5 } }, {}] }] });
    expect(countConditions(updateNode(tree, "seats-lt", () => null))).toBe(2);
  });

  it("stores the tree without ids and reads it back against the schema", () => {
    const tree = group(
      "or",
      when("name", "eq", "a"),
      when("dropped", "eq", "x"),
      group("and", when("amount", "lte", "9")),
    );
    const stored = JSON.parse(JSON.stringify(writeFilterTree(tree)));
    expect(stored).toEqual({
      kind: "group",
      combinator: "or",
      children: [
        { kind: "condition", column: "name", operator: "eq", value: "a", value2: "" },
        { kind: "condition", column: "dropped", operator: "eq", value: "x", value2: "" },
        {
          kind: "group",
          combinator: "and",
          children: [{ kind: "condition", column: "amount", operator: "lte", value: "9", value2: "" }],
        },
      ],
    });
    const read = readFilterTree(stored, schema);
    expect(countConditions(read)).toBe(2);
    expect(toWhereFilter(read, schema)).toEqual({ or: [{ name: { eq: "a" } }, { amount: { lte: 9 } }] });
    expect(readFilterTree("garbage", schema).children).toEqual([]);
  });
});
