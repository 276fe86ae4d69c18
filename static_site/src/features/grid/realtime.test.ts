import { describe, expect, it } from "vitest";
import { parseChange, planChange, realtimeUrl } from "./realtime";

const update = JSON.stringify({
  tag: "update",
  action: "update",
  schema: "public",
  table: "people",
  new: { id: 7, name: "Ada" },
  old: null,
  key: { id: 7 },
  position: "00000000016B3748-00000001",
});

describe("parseChange", () => {
  it("reads the SSE payload, and the WebSocket frame around it", () => {
    expect(parseChange(update)).toEqual({
      action: "update",
      table: "people",
      row: { id: 7, name: "Ada" },
      key: { id: 7 },
    });
    const frame = JSON.stringify({ id: "c1", data: { event: "db_change", payload: JSON.parse(update) } });
    expect(parseChange(frame)?.row).toEqual({ id: 7, name: "Ada" });
  });

  it("ignores what is not a change", () => {
    expect(parseChange("not json")).toBeNull();
    expect(parseChange('{"type":"heartbeat"}')).toBeNull();
    expect(parseChange('{"action":"truncate","table":"people"}')).toBeNull();
  });

  it("reads a delete's key", () => {
    expect(parseChange('{"action":"delete","table":"people","new":null,"key":{"id":"9"}}')).toEqual({
      action: "delete",
      table: "people",
      row: null,
      key: { id: "9" },
    });
  });
});

describe("planChange", () => {
  const pages = [
    {
      queryKey: ["rows", "people", "v", 0],
      rows: [
        { id: 1, name: "Bo" },
        { id: 7, name: "Al", note: "kept" },
      ],
    },
    { queryKey: ["rows", "people", "w", 0], rows: [{ id: "7", name: "Al" }] },
    { queryKey: ["rows", "people", "v", 1], rows: [{ id: 8, name: "Cy" }] },
  ];

  it("patches an updated row wherever a loaded page holds it, keeping columns the event left out, and refetches", () => {
    const change = parseChange(update);
    expect(change).not.toBeNull();
    const effect = planChange(change!, pages, "id");
    expect(effect.patches).toEqual([
      { queryKey: ["rows", "people", "v", 0], offset: 1, row: { id: 7, name: "Ada", note: "kept" } },
      { queryKey: ["rows", "people", "w", 0], offset: 0, row: { id: 7, name: "Ada" } },
    ]);
    expect(effect.refetch).toBe(true);
  });

  it("only refetches for an insert, a delete, or a row not on screen", () => {
    for (const data of [
      '{"action":"insert","table":"people","new":{"id":99},"key":{"id":99}}',
      '{"action":"delete","table":"people","key":{"id":7}}',
      '{"action":"update","table":"people","new":{"id":55,"name":"x"},"key":{"id":55}}',
    ]) {
      expect(planChange(parseChange(data)!, pages, "id")).toEqual({ patches: [], refetch: true });
    }
  });
});

describe("realtimeUrl", () => {
  it("puts the table and the key in the query (EventSource sends no headers)", () => {
    expect(realtimeUrl("http://127.0.0.1:3991", "deal s", "ak_1")).toBe(
      "http://127.0.0.1:3991/realtime?table=deal+s&apiKey=ak_1",
    );
  });
});
