import { describe, expect, it } from "vitest";
import { cycleSort, DEFAULT_VIEW, sortParam, toListQuery } from "./listQuery";

describe("toListQuery", () => {
  it("asks for an offset page with the default view", () => {
    const query = toListQuery({ view: DEFAULT_VIEW, limit: 100, position: { page: 3 }, count: "estimated" });
    expect(query.toString()).toBe("limit=100&page=3&count=estimated");
  });

  it("continues after a cursor, with sort, filter and search", () => {
    const query = toListQuery({
      view: {
        sort: [
          { column: "amount", direction: "desc" },
          { column: "name", direction: "asc" },
        ],
        filter: { or: [{ stage: { in: ["won", "lost"] } }, { amount: { gte: 1000 } }] },
        search: "  helios ",
      },
      limit: 100,
      position: { after: "WyIxIl0" },
      count: "none",
    });
    expect(query.get("sort")).toBe("amount:desc,name:asc");
    expect(JSON.parse(query.get("filter") ?? "")).toEqual({
      or: [{ stage: { in: ["won", "lost"] } }, { amount: { gte: 1000 } }],
    });
    expect(query.get("search")).toBe("helios");
    expect(query.get("after")).toBe("WyIxIl0");
    expect(query.has("page")).toBe(false);
    expect(query.get("count")).toBe("none");
  });

  it("leaves out an empty filter and a blank search", () => {
    const query = toListQuery({
      view: { sort: [], filter: {}, search: "   " },
      limit: 10,
      position: { page: 1 },
      count: "exact",
    });
    expect([...query.keys()]).toEqual(["limit", "page", "count"]);
  });
});

describe("sort", () => {
  it("writes several columns in order", () => {
    expect(
      sortParam([
        { column: "a", direction: "asc" },
        { column: "b", direction: "desc" },
      ]),
    ).toBe("a:asc,b:desc");
  });

  it("cycles a header click through ascending, descending and none", () => {
    const ascending = cycleSort([], "amount");
    expect(ascending).toEqual([{ column: "amount", direction: "asc" }]);
    const descending = cycleSort(ascending, "amount");
    expect(descending).toEqual([{ column: "amount", direction: "desc" }]);
    expect(cycleSort(descending, "amount")).toEqual([]);
    expect(cycleSort(descending, "name")).toEqual([{ column: "name", direction: "asc" }]);
  });
});
