import { describe, expect, it } from "vitest";
import type { TableSummary } from "../../shared/api";
import { matchTables, tableLabel } from "./matchTables";

const table = (name: string, uiName: string | null = null): TableSummary => ({
  name,
  comment: null,
  primaryKey: { name: "id", type: "int8" },
  presentation: uiName === null ? null : { uiName },
});

const tables = [table("companies", "Companies"), table("opportunities", "Deals"), table("audit_log")];

describe("matchTables", () => {
  it("finds tables by name or UI name, ignoring case", () => {
    expect(matchTables(tables, "DEAL").map((t) => t.name)).toEqual(["opportunities"]);
    expect(matchTables(tables, "opport").map((t) => t.name)).toEqual(["opportunities"]);
    expect(matchTables(tables, " log ").map((t) => t.name)).toEqual(["audit_log"]);
  });

  it("lists every table for an empty search", () => {
    expect(matchTables(tables, "  ")).toHaveLength(3);
  });
});

describe("tableLabel", () => {
  it("prefers the UI name", () => {
    expect(tableLabel(tables[1] as TableSummary)).toBe("Deals");
    expect(tableLabel(tables[2] as TableSummary)).toBe("audit_log");
    expect(tableLabel(table("t", "  "))).toBe("t");
  });
});
