import { describe, expect, it } from "vitest";
import { frameKind } from "./liveFeed";

describe("frameKind", () => {
  it("finds a change in the original's envelope", () => {
    const frame = JSON.stringify({ id: "c1", data: { event: "db_change", payload: { tag: "insert" } }, time: 1 });
    expect(frameKind(frame)).toBe("change");
  });

  it("finds a gap, and leaves replies and junk alone", () => {
    expect(frameKind(JSON.stringify({ type: "gap", since: "x" }))).toBe("gap");
    expect(frameKind(JSON.stringify({ type: "subscribed", subscription: "s1" }))).toBe("other");
    expect(frameKind("not json")).toBe("other");
  });
});
