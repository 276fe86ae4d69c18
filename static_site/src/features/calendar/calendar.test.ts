import { describe, expect, it } from "vitest";
import { testColumn } from "../../shared/testing/columns";
import { rangeTitle, readCalendar, stepDate, visibleRange, writeCalendar } from "./calendar";

const col = testColumn;
const schema = [
  col("id", "text"),
  col("name", "text"),
  col("starts", "date"),
  col("ends", "date"),
  col("created_at", "auto-date"),
];

describe("calendar ranges", () => {
  it("month: whole weeks, Monday first", () => {
    expect(visibleRange("month", "2026-12-15")).toEqual({ start: "2026-11-30", end: "2027-01-03" });
    expect(visibleRange("month", "2026-02-10")).toEqual({ start: "2026-01-26", end: "2026-03-01" });
  });

  it("week and day", () => {
    expect(visibleRange("week", "2026-12-06")).toEqual({ start: "2026-11-30", end: "2026-12-06" });
    expect(visibleRange("day", "2026-12-06")).toEqual({ start: "2026-12-06", end: "2026-12-06" });
  });

  it("steps and titles", () => {
    expect(stepDate("month", "2027-01-31", 1)).toBe("2027-02-28");
    expect(stepDate("week", "2026-12-06", -1)).toBe("2026-11-29");
    expect(stepDate("day", "2026-12-31", 1)).toBe("2027-01-01");
    expect(rangeTitle("month", "2026-12-06")).toBe("December 2026");
    expect(rangeTitle("day", "2026-12-06")).toBe("Sunday 6 December 2026");
  });
});

describe("calendar config", () => {
  it("defaults to the first date column and a name-like display field", () => {
    const layout = readCalendar({}, schema);
    expect(layout).toMatchObject({ start: "starts", end: null, display: "name", mode: "month", date: null });
  });

  it("round-trips, and drops fields the table no longer has", () => {
    const layout = { ...readCalendar({}, schema), end: "ends", mode: "week" as const, date: "2026-12-01" };
    const back = readCalendar(JSON.parse(JSON.stringify(writeCalendar(layout))), schema);
    expect(back).toMatchObject({ start: "starts", end: "ends", mode: "week", date: "2026-12-01", display: "name" });
    expect(readCalendar({ start: "gone", end: "name", mode: "year", date: "soon" }, schema)).toMatchObject({
      start: "starts",
      end: null,
      mode: "month",
      date: null,
    });
  });
});
