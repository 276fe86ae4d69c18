import { describe, expect, it } from "vitest";
import type { TableDocument } from "../../shared/api";
import { canConfirmDelete, deleteTablePath } from "./deleteConfirm";
import { createTableBody, EMPTY_TABLE_FORM, identifierError, tableFormFrom, updateTableBody } from "./tableForm";

const people: TableDocument = {
  name: "people",
  comment: "Who we know",
  primaryKey: { name: "id", type: "uuid" },
  presentation: { uiName: "People" },
  schema: [
    { name: "id", dataType: "text", primary: true, nullable: false, presentation: null, options: null, formula: null },
    {
      name: "created_at",
      dataType: "auto-date",
      primary: false,
      nullable: false,
      presentation: null,
      options: null,
      formula: null,
    },
    {
      name: "updated_at",
      dataType: "auto-date",
      primary: false,
      nullable: false,
      presentation: null,
      options: null,
      formula: null,
    },
  ],
};

describe("table editor → body", () => {
  it("creates with every field, the UI name as presentation", () => {
    const form = { ...EMPTY_TABLE_FORM, name: " tasks ", uiName: "Tasks", comment: "", idType: "uuid" as const };
    expect(createTableBody(form)).toEqual({
      name: "tasks",
      comment: null,
      idType: "uuid",
      timestamps: true,
      presentation: { uiName: "Tasks" },
    });
  });

  it("leaves presentation out when there is no UI name", () => {
    const body = createTableBody({ ...EMPTY_TABLE_FORM, name: "t", timestamps: false });
    expect(body).toEqual({ name: "t", comment: null, idType: "biginteger", timestamps: false });
  });

  it("reads an existing table's id type and timestamps", () => {
    expect(tableFormFrom(people)).toEqual({
      name: "people",
      uiName: "People",
      comment: "Who we know",
      idType: "uuid",
      timestamps: true,
    });
    expect(tableFormFrom({ ...people, primaryKey: { name: "id", type: "int4" }, schema: [] })).toMatchObject({
      idType: "integer",
      timestamps: false,
    });
  });

  it("patches only what changed, clearing with null", () => {
    const original = tableFormFrom(people);
    expect(updateTableBody(original, original)).toBeNull();
    expect(updateTableBody(original, { ...original, name: "persons", uiName: "" })).toEqual({
      name: "persons",
      presentation: { uiName: null },
    });
    expect(updateTableBody(original, { ...original, comment: " " })).toEqual({ comment: null });
  });

  it("checks the name as the API does", () => {
    expect(identifierError("")).toBe("Name is required");
    expect(identifierError("1abc")).toMatch(/letter or _ first/);
    expect(identifierError("a".repeat(64))).not.toBeNull();
    expect(identifierError("_ok_1")).toBeNull();
  });
});

describe("delete a table", () => {
  it("needs the exact name typed", () => {
    expect(canConfirmDelete("", "people")).toBe(false);
    expect(canConfirmDelete("Peopl", "people")).toBe(false);
    expect(canConfirmDelete("People", "people")).toBe(false);
    expect(canConfirmDelete(" people ", "people")).toBe(true);
  });

  it("asks for cascade explicitly", () => {
    const { path, query } = deleteTablePath("my table", true);
    expect(path).toBe("/rest/db/tables/my%20table");
    expect(query.toString()).toBe("cascade=true");
    expect(deleteTablePath("t", false).query.toString()).toBe("cascade=false");
  });
});
