import { describe, expect, it } from "vitest";
import type { FieldType } from "../../../shared/api";
import { coerceText, copyText } from "./coerce";
import { formatDate, fromInputValue, parseDateText, toInputValue } from "./dates";
import type { Field } from "./fields";

const field = (dataType: FieldType, extra: Partial<Field> = {}): Field => ({
  name: "c",
  dataType,
  primary: false,
  nullable: true,
  presentation: null,
  options: null,
  formula: null,
  ...extra,
});

const value = (column: Field, text: string) => {
  const result = coerceText(column, text);
  return result.ok ? result.value : `error: ${result.error}`;
};

describe("coerceText", () => {
  it("numbers, with separators and currency; integers must be whole", () => {
    expect(value(field("number"), " 1,234.5 ")).toBe(1234.5);
    expect(value(field("number"), "$3,400,000")).toBe(3400000);
    expect(value(field("number"), "12.5%")).toBe(0.125);
    expect(value(field("integer"), "42")).toBe(42);
    expect(value(field("integer"), "4.2")).toMatch(/^error: .*whole/);
    expect(value(field("number"), "abc")).toMatch(/^error/);
    expect(value(field("number"), "")).toBeNull();
  });
  it("booleans from true/false, 1/0, yes/no", () => {
    for (const text of ["true", "TRUE", "1", "yes", "Y"]) expect(value(field("checkbox"), text)).toBe(true);
    for (const text of ["false", "0", "no", "N"]) expect(value(field("checkbox"), text)).toBe(false);
    expect(value(field("checkbox", { nullable: false }), "")).toBe(false);
    expect(value(field("checkbox"), "maybe")).toMatch(/^error/);
  });
  it("text stays as it is; an empty cell is null where the column allows it", () => {
    expect(value(field("text"), " spaced ")).toBe(" spaced ");
    expect(value(field("text"), "")).toBeNull();
    expect(value(field("text", { nullable: false }), "")).toBe("");
  });
  it("select must be an option (spelled as the column spells it)", () => {
    const stage = field("select", { options: ["won", "Lost"] });
    expect(value(stage, "won")).toBe("won");
    expect(value(stage, "lost")).toBe("Lost");
    expect(value(stage, "maybe")).toMatch(/^error: "maybe" is not an option/);
  });
  it("multi-select from comma-separated or a JSON list", () => {
    const tags = field("multi-select", { options: ["smb", "partner", "enterprise"] });
    expect(value(tags, "smb, Partner")).toEqual(["smb", "partner"]);
    expect(value(tags, '["enterprise"]')).toEqual(["enterprise"]);
    expect(value(tags, "smb, nope")).toMatch(/^error: "nope"/);
  });
  it("json is parsed, or refused", () => {
    expect(value(field("json"), '{"a": [1, 2]}')).toEqual({ a: [1, 2] });
    expect(value(field("json"), "{oops")).toMatch(/^error: .*JSON/);
  });
  it("geo-points as longitude, latitude", () => {
    expect(value(field("geo-point"), "-73.5673, 45.5017")).toEqual({ x: -73.5673, y: 45.5017 });
    expect(value(field("geo-point"), '{"x": 2.35, "y": 48.85}')).toEqual({ x: 2.35, y: 48.85 });
    expect(value(field("geo-point"), "200, 10")).toMatch(/^error/);
  });
  it("dates in ISO or in the column's format", () => {
    const day = field("date", { presentation: { format: { dateFormat: "DD/MM/YYYY", showTime: false } } });
    expect(value(day, "2026-05-01")).toBe("2026-05-01");
    expect(value(day, "01/05/2026")).toBe("2026-05-01");
    expect(value(day, "31/02/2026")).toMatch(/^error/);
    const us = field("date", { presentation: { format: { dateFormat: "MM/DD/YYYY" } } });
    expect(value(us, "05/01/2026")).toBe("2026-05-01");
    const timed = field("date", { presentation: { format: { dateFormat: "YYYY-MM-DD", showTime: true } } });
    expect(value(timed, "2026-05-01T10:30:00+00:00")).toBe("2026-05-01T10:30:00.000Z");
    expect(value(timed, "2026-05-01 10:30")).toBe(new Date("2026-05-01T10:30").toISOString());
  });
  it("references keep the id, as a number when the key is numeric", () => {
    expect(value(field("reference", { foreignKey: { table: "t", column: { name: "id", type: "int8" } } }), "7")).toBe(
      7,
    );
    expect(
      value(field("reference", { foreignKey: { table: "t", column: { name: "id", type: "varchar" } } }), "ab1"),
    ).toBe("ab1");
  });
  it("attachments are not pasted from names", () => {
    expect(value(field("attachment"), "photo.png")).toMatch(/^error: .*uploaded/);
  });
});

describe("copyText", () => {
  it("writes what coerceText reads back", () => {
    const cases: [Field, unknown][] = [
      [field("multi-select", { options: ["a", "b"] }), ["a", "b"]],
      [field("geo-point"), { x: 1.5, y: -2 }],
      [field("json"), { nested: [1, "x"] }],
      [field("number"), 3.25],
      [field("date", { presentation: { format: { dateFormat: "DD/MM/YYYY" } } }), "2026-05-01"],
      [field("checkbox"), true],
    ];
    for (const [column, original] of cases) expect(value(column, copyText(column, original))).toEqual(original);
  });
});

describe("dates", () => {
  it("shows a day in the column's pattern, in UTC", () => {
    expect(formatDate("2010-05-18T00:00:00+00:00", { pattern: "DD/MM/YYYY", showTime: false })).toBe("18/05/2010");
    expect(formatDate("2010-05-18", { pattern: "YYYY/MM/DD", showTime: false })).toBe("2010/05/18");
  });
  it("converts to and from inputs", () => {
    expect(toInputValue("2010-05-18T00:00:00+00:00", false)).toBe("2010-05-18");
    expect(fromInputValue("2010-05-18", false)).toBe("2010-05-18");
    const instant = fromInputValue("2026-05-01T10:30", true)!;
    expect(toInputValue(instant, true)).toBe("2026-05-01T10:30");
    expect(parseDateText("nope", { pattern: "DD/MM/YYYY", showTime: false })).toBeNull();
  });
});
