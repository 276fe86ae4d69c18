import { describe, expect, it } from "vitest";
import { locateRow, PAGE_SIZE, pagesForRange, rowCountFrom } from "./pageWindow";

describe("locateRow", () => {
  it("finds a row's page and its place in it", () => {
    expect(locateRow(0)).toEqual({ page: 0, offset: 0 });
    expect(locateRow(PAGE_SIZE - 1)).toEqual({ page: 0, offset: PAGE_SIZE - 1 });
    expect(locateRow(999_999)).toEqual({ page: 9_999, offset: 99 });
  });
});

describe("pagesForRange", () => {
  it("covers the visible rows and the overscan, always with page 0", () => {
    expect(pagesForRange({ first: 0, count: 30 }, null)).toEqual([0]);
    expect(pagesForRange({ first: 80, count: 30 }, null)).toEqual([0, 1]);
    expect(pagesForRange({ first: 500_000, count: 30 }, null)).toEqual([0, 4_999, 5_000]);
  });

  it("stops at the last row when the count is known", () => {
    expect(pagesForRange({ first: 999_970, count: 30 }, 1_000_000)).toEqual([0, 9_999]);
    expect(pagesForRange({ first: 0, count: 30 }, 0)).toEqual([0]);
  });

  it("takes no overscan when asked", () => {
    expect(pagesForRange({ first: 250, count: 10 }, null, 0)).toEqual([0, 2]);
  });
});

describe("rowCountFrom", () => {
  it("trusts the server's total while no page has shown the end", () => {
    expect(rowCountFrom(1_000_000, [{ page: 0, rows: PAGE_SIZE }])).toBe(1_000_000);
  });

  it("takes the end from a short page, the smallest when an estimate overshot", () => {
    expect(rowCountFrom(12, [{ page: 0, rows: 12 }])).toBe(12);
    expect(
      rowCountFrom(1_200, [
        { page: 0, rows: 100 },
        { page: 11, rows: 0 },
        { page: 9, rows: 50 },
      ]),
    ).toBe(950);
  });

  it("grows past an estimate that was too low", () => {
    expect(
      rowCountFrom(900, [
        { page: 0, rows: 100 },
        { page: 9, rows: 100 },
      ]),
    ).toBe(1_000);
  });

  it("is zero before anything is known", () => {
    expect(rowCountFrom(null, [])).toBe(0);
  });
});
