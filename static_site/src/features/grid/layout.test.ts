import { describe, expect, it } from "vitest";
import type { Column, FieldType } from "../../shared/api";
import { emptyGroup } from "./filters/filterModel";
import {
  defaultLayout,
  fromViewConfig,
  type GridLayout,
  moveColumn,
  setHidden,
  toViewConfig,
  visibleColumns,
} from "./layout";

function column(name: string, dataType: FieldType = "text"): Column {
  return { name, dataType, primary: false, nullable: true, presentation: null, options: null, formula: null };
}
const schema = [column("id", "integer"), column("name"), column("amount", "number"), column("stage", "select")];

describe("view config", () => {
  it("round-trips a layout", () => {
    const layout: GridLayout = {
      order: ["name", "id", "amount", "stage"],
      widths: { name: 310 },
      hidden: ["stage"],
      frozen: 1,
      rowHeight: "L",
      filter: {
        kind: "group",
        id: "x",
        combinator: "or",
        children: [{ kind: "condition", id: "y", column: "amount", operator: "gt", value: "5", value2: "" }],
      },
      sort: [{ column: "amount", direction: "desc" }],
      groupBy: ["stage"],
      aggregates: { amount: "sum" },
    };
    const config = JSON.parse(JSON.stringify(toViewConfig(layout)));
    expect(config).toMatchObject({
      version: 1,
      columns: { order: ["name", "id", "amount", "stage"], widths: { name: 310 }, hidden: ["stage"], frozen: 1 },
      rowHeight: "L",
      sort: [{ column: "amount", direction: "desc" }],
      groupBy: ["stage"],
      aggregates: { amount: "sum" },
    });
    expect(config).not.toHaveProperty("search");
    const back = fromViewConfig(config, schema);
    expect({ ...back, filter: null }).toEqual({ ...layout, filter: null });
    expect(back.filter.children[0]).toMatchObject({ column: "amount", operator: "gt", value: "5" });
  });

  it("follows the schema: dropped columns go, new ones are appended", () => {
    const config = {
      columns: { order: ["gone", "amount", "name"], widths: { gone: 90, amount: 99 }, hidden: ["gone"] },
      sort: [{ column: "gone" }],
    };
    const layout = fromViewConfig(config, schema);
    expect(layout.order).toEqual(["amount", "name", "id", "stage"]);
    expect(layout.widths).toEqual({ amount: 99 });
    expect(layout.hidden).toEqual([]);
    expect(layout.sort).toEqual([]);
  });

  it("falls back to the default for anything malformed", () => {
    const base = defaultLayout(schema);
    for (const config of [
      null,
      "x",
      [],
      { columns: 3, rowHeight: "XXL", frozen: "2", groupBy: ["a", "b"], aggregates: { name: "median" } },
    ]) {
      const layout = fromViewConfig(config, schema);
      expect({ ...layout, filter: null }).toEqual({ ...base, filter: null });
    }
    expect(fromViewConfig({ groupBy: ["id", "name", "amount", "stage"] }, schema).groupBy).toEqual([
      "id",
      "name",
      "amount",
    ]);
  });
});

describe("column moves and visibility", () => {
  const layout = { ...defaultLayout(schema), filter: emptyGroup(), hidden: ["name"] };

  it("lists visible columns in order", () => {
    expect(visibleColumns(layout, schema).map((c) => c.name)).toEqual(["id", "amount", "stage"]);
  });

  it("moves by visible index, keeping hidden columns in place", () => {
    expect(moveColumn(layout, schema, 2, 0).order).toEqual(["stage", "id", "name", "amount"]);
    expect(moveColumn(layout, schema, 0, 2).order).toEqual(["name", "amount", "stage", "id"]);
  });

  it("hides and shows", () => {
    expect(setHidden(layout, "name", false).hidden).toEqual([]);
    expect(setHidden(layout, "id", true).hidden).toEqual(["name", "id"]);
  });
});
