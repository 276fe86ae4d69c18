import { describe, expect, it } from "vitest";
import type { FieldType, RecordRow } from "../../../shared/api";
import type { Field } from "./fields";
import { type GridContext, planCellEdits, planClear, planPaste } from "./plan";

const column = (name: string, dataType: FieldType, extra: Partial<Field> = {}): Field => ({
  name,
  dataType,
  primary: false,
  nullable: true,
  presentation: null,
  options: null,
  formula: null,
  ...extra,
});

const rows: RecordRow[] = [
  { id: "a", name: "Ada", age: 36, stage: "won", created_at: "2026-01-01" },
  { id: "b", name: "Bob", age: 40, stage: "lost", created_at: "2026-01-02" },
  { id: "c", name: "Cy", age: null, stage: null, created_at: "2026-01-03" },
];

const context: GridContext = {
  columns: [
    column("id", "text", { primary: true }),
    column("name", "text"),
    column("age", "integer"),
    column("created_at", "auto-date"),
    column("stage", "select", { options: ["won", "lost"] }),
  ],
  editable: [false, true, true, false, true],
  primaryKey: "id",
  rowCount: 3,
  getRow: (index) => rows[index],
};

describe("planPaste", () => {
  it("builds one bulk-update body, skipping read-only columns, with the values to undo it", () => {
    const plan = planPaste(
      [
        ["Ann", "37", "2020-01-01", "lost"],
        ["Ben", "41", "x", "won"],
      ],
      [1, 0],
      context,
    );
    expect(plan.errors).toEqual([]);
    expect(plan.skipped).toBe(2);
    expect(plan.edit.after).toEqual([
      { id: "a", data: { name: "Ann", age: 37, stage: "lost" } },
      { id: "b", data: { name: "Ben", age: 41, stage: "won" } },
    ]);
    expect(plan.edit.before).toEqual([
      { id: "a", data: { name: "Ada", age: 36, stage: "won" } },
      { id: "b", data: { name: "Bob", age: 40, stage: "lost" } },
    ]);
  });
  it("reports every bad value (and the caller writes nothing)", () => {
    const plan = planPaste(
      [
        ["Ann", "old"],
        ["Ben", "41"],
      ],
      [1, 0],
      context,
    );
    expect(plan.errors).toEqual(['Row 1, age: "old" is not a number']);
  });
  it("stops at the last row and drops columns past the last", () => {
    const plan = planPaste(
      [
        ["X", "1", "", "won", "extra"],
        ["Y", "2"],
        ["Z", "3"],
      ],
      [1, 2],
      context,
    );
    expect(plan.rowsPastEnd).toBe(2);
    expect(plan.edit.after).toEqual([{ id: "c", data: { name: "X", age: 1, stage: "won" } }]);
  });
  it("fills a selected area with a single value", () => {
    const plan = planPaste([["9"]], [2, 0], context, { x: 2, y: 0, width: 1, height: 3 });
    expect(plan.edit.after.map((change) => change.data)).toEqual([{ age: 9 }, { age: 9 }, { age: 9 }]);
  });
});

describe("planCellEdits (fill handle, typed edits)", () => {
  it("groups filled values by row and leaves read-only cells out", () => {
    const edit = planCellEdits(
      [
        { col: 2, row: 1, value: 36 },
        { col: 2, row: 2, value: 36 },
        { col: 3, row: 2, value: "2027-01-01" },
      ],
      context,
    );
    expect(edit.after).toEqual([
      { id: "b", data: { age: 36 } },
      { id: "c", data: { age: 36 } },
    ]);
    expect(edit.before).toEqual([
      { id: "b", data: { age: 40 } },
      { id: "c", data: { age: null } },
    ]);
  });
});

describe("planClear", () => {
  it("empties editable cells that hold something", () => {
    const edit = planClear({ x: 0, y: 1, width: 5, height: 2 }, context);
    expect(edit.after).toEqual([
      { id: "b", data: { name: null, age: null, stage: null } },
      { id: "c", data: { name: null, age: null, stage: null } },
    ]);
  });
});
