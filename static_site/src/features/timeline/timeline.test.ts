import { describe, expect, it } from "vitest";
import { testColumn } from "../../shared/testing/columns";
import {
  barOf,
  dragDays,
  progressAt,
  readTimeline,
  resizedEnd,
  scaleOf,
  treeOrder,
  writeTimeline,
  xOf,
} from "./timeline";

const col = testColumn;
const schema = [
  col("id", "integer"),
  col("title", "text"),
  col("starts", "date"),
  col("ends", "date"),
  col("done", "integer"),
  col("parent_id", "integer"),
];

describe("timeline scale", () => {
  const scale = scaleOf("day", "2026-12-01");

  it("maps days to pixels and back", () => {
    expect(scale.pxPerDay).toBe(40);
    expect(scale.range).toEqual({ start: "2026-12-01", end: "2027-01-04" });
    expect(xOf(scale, "2026-12-03")).toBe(80);
    expect(barOf(scale, { start: "2026-12-03", end: "2026-12-04" })).toEqual({ x: 80, width: 80 });
    expect(barOf(scale, { start: "2026-11-20", end: "2026-12-01" })).toEqual({ x: 0, width: 40 });
    expect(barOf(scale, { start: "2027-02-01", end: "2027-02-02" })).toBeNull();
  });

  it("turns a drag into whole days and a handle into a progress", () => {
    expect(dragDays(scale, 61)).toBe(2);
    expect(dragDays(scale, -19)).toBe(0);
    expect(dragDays(scaleOf("week", "2026-12-01"), -31)).toBe(-3);
    expect(progressAt(100, 200, 150)).toBe(25);
    expect(progressAt(100, 200, 50)).toBe(0);
    expect(progressAt(100, 200, 400)).toBe(100);
    expect(resizedEnd({ start: "2026-12-05", end: "2026-12-07" }, -5)).toBe("2026-12-05");
    expect(resizedEnd({ start: "2026-12-05", end: "2026-12-07" }, 2)).toBe("2026-12-09");
  });
});

describe("timeline rows and config", () => {
  it("puts children after their parent", () => {
    const rows = [
      { id: 3, parent_id: 1, k: "c" },
      { id: 1, parent_id: null, k: "b" },
      { id: 2, parent_id: null, k: "a" },
    ];
    const order = treeOrder(rows, "id", "parent_id", (row) => String(row.k));
    expect(order.map(({ row, depth }) => [row.id, depth])).toEqual([
      [2, 0],
      [1, 0],
      [3, 1],
    ]);
  });

  it("round-trips its config", () => {
    const layout = {
      ...readTimeline({}, schema),
      progress: "done",
      parent: "parent_id",
      zoom: "month" as const,
      from: "2026-11-01",
    };
    expect(readTimeline({}, schema)).toMatchObject({ start: "starts", end: "ends", display: "title", zoom: "week" });
    expect(readTimeline(JSON.parse(JSON.stringify(writeTimeline(layout))), schema)).toMatchObject({
      progress: "done",
      parent: "parent_id",
      zoom: "month",
      from: "2026-11-01",
    });
    expect(readTimeline({ progress: "title", end: null }, schema)).toMatchObject({ progress: null, end: null });
  });
});
