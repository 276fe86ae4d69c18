import { describe, expect, it } from "vitest";
import { formatTsv, parseTsv } from "./tsv";

describe("parseTsv", () => {
  it("splits rows and cells, ignoring the final newline and CRLF", () => {
    expect(parseTsv("a\tb\r\nc\td\r\n")).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
  });
  it("keeps empty cells", () => {
    expect(parseTsv("\tb\t\n\t\t")).toEqual([
      ["", "b", ""],
      ["", "", ""],
    ]);
  });
  it("reads quoted cells with tabs, newlines and doubled quotes", () => {
    expect(parseTsv('"line 1\nline 2"\t"say ""hi"""\tx\n"a\tb"\t1')).toEqual([
      ["line 1\nline 2", 'say "hi"', "x"],
      ["a\tb", "1"],
    ]);
  });
  it("leaves a quote that does not close a cell as text", () => {
    expect(parseTsv('5" screen\t"a"b')).toEqual([['5" screen', '"a"b']]);
  });
  it("reads a single value", () => {
    expect(parseTsv("hello")).toEqual([["hello"]]);
  });
});

describe("formatTsv", () => {
  it("quotes only what needs it", () => {
    expect(
      formatTsv([
        ["a", "b c"],
        ["x\ty", 'q"'],
        ["multi\nline", ""],
      ]),
    ).toBe('a\tb c\n"x\ty"\t"q"""\n"multi\nline"\t');
  });
  it("round-trips through parseTsv", () => {
    const rows = [
      ["1", "two\tthree", '"quoted"'],
      ["", "new\nline", "end"],
    ];
    expect(parseTsv(formatTsv(rows))).toEqual(rows);
  });
});
