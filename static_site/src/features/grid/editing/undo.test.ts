import { describe, expect, it } from "vitest";
import { UndoStack, undoBody } from "./undo";

describe("UndoStack", () => {
  it("undoes the last edit first, with the previous values", () => {
    const stack = new UndoStack();
    stack.push({ after: [{ id: 1, data: { a: 2 } }], before: [{ id: 1, data: { a: 1 } }] });
    stack.push({ after: [{ id: 2, data: { b: "y" } }], before: [{ id: 2, data: { b: "x" } }] });
    expect(undoBody(stack.pop()!)).toEqual([{ id: 2, data: { b: "x" } }]);
    expect(undoBody(stack.pop()!)).toEqual([{ id: 1, data: { a: 1 } }]);
    expect(stack.pop()).toBeUndefined();
  });
  it("ignores empty edits and keeps at most the limit", () => {
    const stack = new UndoStack(2);
    stack.push({ after: [], before: [] });
    expect(stack.size).toBe(0);
    for (const id of [1, 2, 3]) stack.push({ after: [{ id, data: { a: id } }], before: [{ id, data: { a: 0 } }] });
    expect(stack.size).toBe(2);
    expect(stack.pop()?.after[0]?.id).toBe(3);
    expect(stack.pop()?.after[0]?.id).toBe(2);
  });
});
