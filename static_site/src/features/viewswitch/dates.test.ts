import { describe, expect, it } from "vitest";
import { addDays, dayOf, daysBetween, rangeFilter, shiftPatch, shiftValue, spanOf } from "./dates";

const range = { start: "2026-11-30", end: "2027-01-10" };

describe("rangeFilter", () => {
  it("one date field: gte the first instant and lte the last of the range", () => {
    expect(rangeFilter("due", null, range)).toEqual({
      due: { gte: "2026-11-30T00:00:00.000Z", lte: "2027-01-10T23:59:59.999Z" },
    });
    expect(rangeFilter("due", "due", range)).toEqual(rangeFilter("due", null, range));
  });

  it("two fields: start <= rangeEnd and end >= rangeStart (a missing end counts from the start)", () => {
    expect(rangeFilter("starts", "ends", range)).toEqual({
      and: [
        { starts: { lte: "2027-01-10T23:59:59.999Z" } },
        {
          or: [
            { ends: { gte: "2026-11-30T00:00:00.000Z" } },
            { and: [{ ends: { isNull: true } }, { starts: { gte: "2026-11-30T00:00:00.000Z" } }] },
          ],
        },
      ],
    });
  });

  it("ands on the view's own filter", () => {
    expect(rangeFilter("due", null, range, { stage: "won" })).toEqual({
      and: [{ due: { gte: "2026-11-30T00:00:00.000Z", lte: "2027-01-10T23:59:59.999Z" } }, { stage: "won" }],
    });
  });
});

describe("shiftPatch", () => {
  const row = { id: 1, starts: "2026-12-01T00:00:00+00:00", ends: "2026-12-03T00:00:00+00:00" };

  it("moves the start and the end by the same days", () => {
    expect(shiftPatch(row, "starts", "ends", 5)).toEqual({
      starts: "2026-12-06T00:00:00.000Z",
      ends: "2026-12-08T00:00:00.000Z",
    });
    expect(shiftPatch(row, "starts", "ends", -1)).toEqual({
      starts: "2026-11-30T00:00:00.000Z",
      ends: "2026-12-02T00:00:00.000Z",
    });
  });

  it("moves only the start without an end field or value, and nothing for no shift", () => {
    expect(shiftPatch(row, "starts", null, 2)).toEqual({ starts: "2026-12-03T00:00:00.000Z" });
    expect(shiftPatch({ ...row, ends: null }, "starts", "ends", 2)).toEqual({ starts: "2026-12-03T00:00:00.000Z" });
    expect(shiftPatch(row, "starts", "ends", 0)).toBeNull();
    expect(shiftPatch({ starts: null }, "starts", null, 3)).toBeNull();
  });

  it("keeps a plain day a plain day, and crosses months and years", () => {
    expect(shiftValue("2026-12-30", 3)).toBe("2027-01-02");
    expect(shiftValue("2026-03-01T10:30:00Z", -1)).toBe("2026-02-28T10:30:00.000Z");
  });
});

describe("days", () => {
  it("reads UTC days and spans", () => {
    expect(dayOf("2026-12-06T23:30:00+00:00")).toBe("2026-12-06");
    expect(dayOf("nonsense")).toBeNull();
    expect(daysBetween("2026-12-30", "2027-01-02")).toBe(3);
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(spanOf({ a: "2026-12-05", b: "2026-12-01" }, "a", "b")).toEqual({ start: "2026-12-05", end: "2026-12-05" });
    expect(spanOf({ a: "2026-12-05", b: "2026-12-07" }, "a", "b")).toEqual({ start: "2026-12-05", end: "2026-12-07" });
  });
});
