import { describe, expect, it } from "vitest";
import { type ColumnForm, columnFormFrom, columnFormToDefinition, EMPTY_COLUMN_FORM, withDataType } from "./columnForm";
import { applyCompletion, completeFormula, sqlWord } from "./formulaCompletion";
import type { ColumnDocument } from "./types";

const form = (changes: Partial<ColumnForm>): ColumnForm => ({ ...EMPTY_COLUMN_FORM, name: "c", ...changes });
const definition = (changes: Partial<ColumnForm>) => {
  const result = columnFormToDefinition(form(changes));
  expect(result.errors).toEqual({});
  if (result.definition === null) throw new Error("no definition");
  return result.definition;
};

describe("column editor → ColumnDefinition", () => {
  it("text: lengths, UI name, comment, default", () => {
    expect(
      definition({
        name: "title",
        uiName: " Title ",
        comment: "shown",
        minLength: "2",
        maxLength: "80",
        defaultValue: "x",
        nullable: false,
        unique: true,
      }),
    ).toEqual({
      name: "title",
      dataType: "text",
      nullable: false,
      unique: true,
      defaultValue: "x",
      comment: "shown",
      presentation: { uiName: "Title", format: null },
      validation: { minLength: 2, maxLength: 80 },
      options: null,
      foreignKey: null,
      formula: null,
    });
  });

  it("text: empty inputs become null, bad ones are errors", () => {
    expect(definition({})).toMatchObject({ validation: null, presentation: null, defaultValue: null, comment: null });
    const { definition: none, errors } = columnFormToDefinition(form({ name: "1x", minLength: "-1", maxLength: "a" }));
    expect(none).toBeNull();
    expect(Object.keys(errors).sort()).toEqual(["maxLength", "minLength", "name"]);
    expect(columnFormToDefinition(form({ minLength: "9", maxLength: "3" })).errors.maxLength).toBeDefined();
  });

  it("number: range, currency format, numeric default", () => {
    expect(
      definition({
        dataType: "number",
        minValue: "0",
        maxValue: "99.5",
        numberFormat: "currency",
        currency: "EUR",
        defaultValue: "1.5",
      }),
    ).toMatchObject({
      dataType: "number",
      defaultValue: 1.5,
      validation: { minValue: 0, maxValue: 99.5 },
      presentation: { uiName: null, format: { numberFormat: "currency", currency: "EUR" } },
    });
    expect(columnFormToDefinition(form({ dataType: "integer", defaultValue: "1.5" })).errors.defaultValue).toMatch(
      /whole/,
    );
  });

  it("select and multi-select: options, default among them", () => {
    expect(definition({ dataType: "select", options: [" a", "b ", ""], defaultValue: "b" })).toMatchObject({
      options: ["a", "b"],
      defaultValue: "b",
      validation: null,
    });
    expect(definition({ dataType: "multi-select", options: ["a", "b"], defaultValues: ["b"] })).toMatchObject({
      options: ["a", "b"],
      defaultValue: ["b"],
    });
    expect(columnFormToDefinition(form({ dataType: "select" })).errors.options).toBe("Add at least one option");
    expect(columnFormToDefinition(form({ dataType: "select", options: ["a", "a"] })).errors.options).toBeDefined();
    expect(
      columnFormToDefinition(form({ dataType: "select", options: ["a"], defaultValue: "z" })).errors.defaultValue,
    ).toBeDefined();
  });

  it("reference: target, actions, display column, never a default", () => {
    expect(
      definition({
        dataType: "reference",
        referenceTable: "people",
        referenceColumn: "id",
        referenceColumnType: "int8",
        onDelete: "SET NULL",
        displayColumn: "name",
        defaultValue: "7",
      }),
    ).toMatchObject({
      defaultValue: null,
      foreignKey: {
        table: "people",
        column: { name: "id", type: "int8" },
        onUpdate: "NO ACTION",
        onDelete: "SET NULL",
      },
      presentation: { uiName: null, format: { displayColumn: "name" } },
    });
    expect(columnFormToDefinition(form({ dataType: "reference" })).errors.referenceTable).toBeDefined();
  });

  it("formula: expression, result type, strategy, format by result type", () => {
    expect(
      definition({
        dataType: "formula",
        formulaExpression: " price * qty ",
        formulaResultType: "numeric",
        formulaStrategy: "virtual",
        numberFormat: "comma",
        dateFormat: "YYYY-MM-DD",
      }),
    ).toMatchObject({
      formula: { resultType: "numeric", expression: "price * qty", strategy: "virtual" },
      presentation: { format: { numberFormat: "comma" } },
      defaultValue: null,
      validation: null,
    });
    expect(columnFormToDefinition(form({ dataType: "formula" })).errors.formulaExpression).toBeDefined();
  });

  it("attachment: files, size in MB → bytes, MIME types", () => {
    expect(
      definition({
        dataType: "attachment",
        maxFiles: "3",
        maxFileSizeMb: "2",
        allowedMimeTypes: "image/*, Application/PDF",
      }),
    ).toMatchObject({
      validation: { maxFiles: 3, maxFileSize: 2 * 1024 * 1024, allowedMimeTypes: ["image/*", "application/pdf"] },
      defaultValue: null,
    });
    expect(
      columnFormToDefinition(form({ dataType: "attachment", allowedMimeTypes: "png" })).errors.allowedMimeTypes,
    ).toBeDefined();
  });

  it("date, email, json, checkbox, geo-point", () => {
    expect(
      definition({
        dataType: "date",
        minDate: "2030-01-01T10:00",
        dateFormat: "DD/MM/YYYY",
        showTime: true,
        defaultValue: "2030-02-01T09:30",
      }),
    ).toMatchObject({
      validation: { minDate: "2030-01-01 10:00" },
      presentation: { format: { dateFormat: "DD/MM/YYYY", showTime: true } },
      defaultValue: "2030-02-01T09:30",
    });
    expect(definition({ dataType: "email", allowedDomains: "Example.com, @b.org" })).toMatchObject({
      validation: { allowedDomains: ["example.com", "b.org"] },
    });
    expect(definition({ dataType: "json", maxSize: "1000", defaultValue: '{"a": 1}' })).toMatchObject({
      validation: { maxSize: 1000 },
      defaultValue: { a: 1 },
    });
    expect(columnFormToDefinition(form({ dataType: "json", defaultValue: "{" })).errors.defaultValue).toMatch(/JSON/);
    expect(definition({ dataType: "checkbox", defaultValue: "false" }).defaultValue).toBe(false);
    expect(definition({ dataType: "geo-point", defaultValue: "1.5, -2" }).defaultValue).toBe("(1.5, -2)");
  });

  it("round-trips a column the API returned", () => {
    const column: ColumnDocument = {
      name: "price",
      dataType: "number",
      primary: false,
      nullable: false,
      unique: false,
      defaultValue: 3,
      comment: null,
      presentation: { uiName: "Price", format: { numberFormat: "currency", currency: "VND" } },
      validation: { minValue: 0 },
      options: null,
      foreignKey: null,
      formula: null,
    };
    expect(columnFormToDefinition(columnFormFrom(column)).definition).toEqual({
      name: "price",
      dataType: "number",
      nullable: false,
      unique: false,
      defaultValue: 3,
      comment: null,
      presentation: { uiName: "Price", format: { numberFormat: "currency", currency: "VND" } },
      validation: { minValue: 0 },
      options: null,
      foreignKey: null,
      formula: null,
    });
  });

  it("a new type drops the old type's settings", () => {
    const changed = withDataType(form({ dataType: "text", maxLength: "10", uiName: "U" }), "number");
    expect(changed).toMatchObject({ dataType: "number", maxLength: "", uiName: "U", name: "c" });
  });
});

describe("formula completion", () => {
  const columns = ["price", "quantity", "Place"];

  it("offers columns then functions for the word at the caret", () => {
    expect(completeFormula("pr", 2, columns)?.suggestions).toEqual(["price"]);
    expect(completeFormula("a + po", 6, columns)?.suggestions).toEqual(["power", "position"]);
    expect(completeFormula("price * q", 9, columns)).toEqual({ start: 8, prefix: "q", suggestions: ["quantity"] });
    expect(completeFormula("pl", 2, columns)?.suggestions).toEqual(["Place"]);
  });

  it("stays quiet inside strings, after digits and on an exact match", () => {
    expect(completeFormula("'pr", 3, columns)).toBeNull();
    expect(completeFormula("1", 1, columns)).toBeNull();
    expect(completeFormula("price", 5, columns)).toBeNull();
  });

  it("inserts the word, quoting columns that need it, with the caret after it", () => {
    expect(sqlWord("Place", columns)).toBe('"Place"');
    expect(sqlWord("round", columns)).toBe("round(");
    expect(applyCompletion("price * q + 1", { start: 8 }, 9, "quantity")).toEqual({
      text: "price * quantity + 1",
      caret: 16,
    });
  });
});
