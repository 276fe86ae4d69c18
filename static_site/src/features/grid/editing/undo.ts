/** The last edits, as the values to write back: each entry is one bulk-update's "before". */

export interface RowChange {
  id: unknown;
  data: Record<string, unknown>;
}

export interface Edit {
  /** What was written. */
  after: RowChange[];
  /** What the cells held before, column by column. */
  before: RowChange[];
}

export class UndoStack {
  private readonly edits: Edit[] = [];

  constructor(private readonly limit = 50) {}

  push(edit: Edit): void {
    if (edit.after.length === 0) return;
    this.edits.push(edit);
    if (this.edits.length > this.limit) this.edits.shift();
  }

  /** The edit to undo, taken off the stack (put it back with `push` when undoing fails). */
  pop(): Edit | undefined {
    return this.edits.pop();
  }

  get size(): number {
    return this.edits.length;
  }

  clear(): void {
    this.edits.length = 0;
  }
}

/** The body that undoes an edit: the previous values of the same cells. */
export function undoBody(edit: Edit): RowChange[] {
  return edit.before.map(({ id, data }) => ({ id, data: { ...data } }));
}
