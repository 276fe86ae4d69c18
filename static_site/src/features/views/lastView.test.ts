import { describe, expect, it } from "vitest";
import { latestOpened, pickView } from "./lastView";

describe("last view", () => {
  it("opens the last view when it still exists, else the first", () => {
    const views = [{ id: 2 }, { id: 5 }];
    expect(pickView(views, 5)).toEqual({ id: 5 });
    expect(pickView(views, 7)).toEqual({ id: 2 });
    expect(pickView([], 7)).toBeNull();
  });

  it("without a view of this browser, opens the one opened last anywhere", () => {
    const views = [
      { id: 2, openedAt: "2026-12-06T10:00:00.000Z" },
      { id: 5, openedAt: "2026-12-06T11:00:00.000Z" },
      { id: 7, openedAt: null },
    ];
    expect(pickView(views, null)).toEqual(views[1]);
    expect(pickView(views, 2)).toEqual(views[0]);
    expect(latestOpened([{ id: 1 }, { id: 3, openedAt: null }])).toBeNull();
  });
});
