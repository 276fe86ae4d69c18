import { describe, expect, it } from "vitest";
import type { Column, FieldType } from "../../shared/api";
import {
  aggregatesFor,
  canGroupBy,
  footerRequest,
  formatAggregate,
  groupFilter,
  groupRequest,
  readGroups,
} from "./aggregates";

function column(name: string, dataType: FieldType): Column {
  return { name, dataType, primary: false, nullable: true, presentation: null, options: null, formula: null };
}

describe("footerRequest", () => {
  it("asks for every chosen aggregate under an alias, with the grid's filter", () => {
    const built = footerRequest(
      { amount: "sum", name: "unique", stage: "filled", id: "count", score: "avg", closed: "max" },
      ["id", "name", "amount", "stage", "score", "closed", "other"],
      { amount: { gt: 0 } },
    );
    expect(built).toEqual({
      request: {
        select: [
          "count(*) as a0",
          "count(distinct name) as a1",
          "sum(amount) as a2",
          "count(stage) as a3",
          "avg(score) as a4",
          "max(closed) as a5",
        ],
        where: { amount: { gt: 0 } },
      },
      aliases: { id: "a0", name: "a1", amount: "a2", stage: "a3", score: "a4", closed: "a5" },
    });
  });

  it("asks nothing when no aggregate is chosen, and leaves out a missing filter", () => {
    expect(footerRequest({}, ["a"], null)).toBeNull();
    expect(footerRequest({ a: "min" }, ["a"], null)?.request).toEqual({ select: ["min(a) as a0"] });
  });
});

describe("aggregatesFor", () => {
  it("offers what the server computes for the type", () => {
    expect(aggregatesFor(column("n", "number"))).toEqual(["count", "filled", "unique", "sum", "avg", "min", "max"]);
    expect(aggregatesFor(column("t", "text"))).toEqual(["count", "filled", "unique", "min", "max"]);
    expect(aggregatesFor(column("b", "checkbox"))).toEqual(["count", "filled", "unique"]);
    expect(aggregatesFor(column("j", "json"))).toEqual(["count", "filled"]);
    expect(canGroupBy(column("s", "select"))).toBe(true);
    expect(canGroupBy(column("j", "json"))).toBe(false);
  });

  it("formats numbers for reading", () => {
    expect(formatAggregate("sum", 1234567)).toBe("1,234,567");
    expect(formatAggregate("avg", 2.34567)).toBe("2.35");
    expect(formatAggregate("max", null)).toBe("–");
  });
});

describe("groups", () => {
  it("asks for the groups of up to three columns with counts, ordered", () => {
    expect(groupRequest(["stage", "owner"], { active: true })).toEqual({
      select: ["stage", "owner", "count(*) as group_count"],
      where: { active: true },
      order: "stage,owner",
      limit: 1000,
    });
    expect(readGroups([{ stage: "won", owner: null, group_count: 3 }], ["stage", "owner"])).toEqual([
      { values: ["won", null], count: 3 },
    ]);
  });

  it("filters a group's records by its values, a missing value by IS NULL", () => {
    expect(groupFilter(["stage"], ["won"], null)).toEqual({ stage: { eq: "won" } });
    expect(groupFilter(["stage", "owner"], ["won", null], { amount: { gt: 1 } })).toEqual({
      and: [{ amount: { gt: 1 } }, { stage: { eq: "won" } }, { owner: { isNull: true } }],
    });
  });
});
