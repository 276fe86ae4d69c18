import { GridCellKind } from "@glideapps/glide-data-grid";
import { describe, expect, it } from "vitest";
import type { Column, FieldType } from "../../shared/api";
import { displayText, editedValue, isEditable, toGridCell } from "./cells";

function column(dataType: FieldType, name = "c", extra: Partial<Column> = {}): Column {
  return { name, dataType, primary: false, nullable: true, presentation: null, options: null, formula: null, ...extra };
}

describe("isEditable", () => {
  it("edits text, number and checkbox cells", () => {
    for (const type of ["text", "long-text", "email", "url", "integer", "number", "checkbox"] as const) {
      expect(isEditable(column(type), "id")).toBe(true);
    }
  });

  it("never edits keys or values the database sets", () => {
    expect(isEditable(column("text", "id"), "id")).toBe(false);
    expect(isEditable(column("text", "code", { primary: true }), "id")).toBe(false);
    for (const type of ["auto-number", "auto-date", "formula"] as const)
      expect(isEditable(column(type), "id")).toBe(false);
  });

  it("edits every other type through its own editor", () => {
    for (const type of ["date", "select", "multi-select", "json", "reference", "attachment", "geo-point"] as const) {
      expect(isEditable(column(type), "id")).toBe(true);
      expect(toGridCell(column(type), null, true)).toMatchObject({ kind: GridCellKind.Custom, allowOverlay: true });
    }
  });
});

describe("toGridCell", () => {
  it("types cells by field type", () => {
    expect(toGridCell(column("integer"), 42, true)).toMatchObject({
      kind: GridCellKind.Number,
      data: 42,
      displayData: "42",
      readonly: false,
    });
    expect(toGridCell(column("checkbox"), true, false)).toMatchObject({
      kind: GridCellKind.Boolean,
      data: true,
      readonly: true,
    });
    expect(toGridCell(column("text"), "Ada", true)).toMatchObject({
      kind: GridCellKind.Text,
      data: "Ada",
      allowOverlay: true,
    });
    expect(toGridCell(column("date"), "2026-02-28T00:00:00+00:00", false)).toMatchObject({
      kind: GridCellKind.Text,
      data: "28/02/2026",
      allowOverlay: false,
    });
  });

  it("types a formula by its value", () => {
    expect(toGridCell(column("formula"), 11250, false).kind).toBe(GridCellKind.Number);
    expect(toGridCell(column("formula"), false, false).kind).toBe(GridCellKind.Boolean);
    expect(toGridCell(column("formula"), "x", false).kind).toBe(GridCellKind.Text);
  });

  it("shows an empty number as blank and a missing checkbox as unset", () => {
    expect(toGridCell(column("number"), null, true)).toMatchObject({ data: undefined, displayData: "" });
    expect(toGridCell(column("checkbox"), null, true)).toMatchObject({ data: null });
  });
});

describe("displayText", () => {
  it("writes chips, points, files and JSON as text", () => {
    expect(displayText(column("multi-select"), ["Analytics", "API Access"])).toBe("Analytics, API Access");
    expect(displayText(column("geo-point"), { x: 2.35, y: 48.85 })).toBe("2.35, 48.85");
    expect(displayText(column("attachment"), [{ name: "a.png" }, { name: "b.pdf" }])).toBe("a.png, b.pdf");
    expect(displayText(column("json"), { plan: "pro", seats: 5 })).toBe('{"plan":"pro","seats":5}');
    expect(displayText(column("select"), null)).toBe("");
  });
});

describe("editedValue", () => {
  it("sends the edited value, an emptied nullable text as null", () => {
    const text = { kind: GridCellKind.Text, data: "", displayData: "", allowOverlay: true } as const;
    expect(editedValue(column("text"), text)).toBeNull();
    expect(editedValue(column("text", "c", { nullable: false }), text)).toBe("");
    expect(
      editedValue(column("integer"), { kind: GridCellKind.Number, data: 7, displayData: "7", allowOverlay: true }),
    ).toBe(7);
    expect(editedValue(column("checkbox"), { kind: GridCellKind.Boolean, data: false, allowOverlay: false })).toBe(
      false,
    );
  });
});
