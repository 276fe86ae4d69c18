import { describe, expect, it } from "vitest";
import { limitRows, VIEW_LIMIT } from "./useViewRecords";

const page = (count: number) => ({
  rows: Array.from({ length: count }, (_, id) => ({ id })),
  pagination: { page: 1, limit: VIEW_LIMIT + 1, total: null, pages: null },
});

describe("limitRows", () => {
  it("shows every record when no more than the limit came", () => {
    const rows = limitRows(page(VIEW_LIMIT));
    expect(rows.rows).toHaveLength(VIEW_LIMIT);
    expect(rows.truncated).toBe(false);
  });

  it("shows the first records and says there are more when one more came", () => {
    const rows = limitRows(page(VIEW_LIMIT + 1));
    expect(rows.rows).toHaveLength(VIEW_LIMIT);
    expect(rows.rows.at(-1)).toEqual({ id: VIEW_LIMIT - 1 });
    expect(rows.truncated).toBe(true);
  });
});
