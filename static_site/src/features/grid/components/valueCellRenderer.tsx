import type { CustomRenderer, ProvideEditorComponent } from "@glideapps/glide-data-grid";
import { GridCellKind } from "@glideapps/glide-data-grid";
import { type KeyboardEvent, useState } from "react";
import { isValueCell, type ValueCell, withValue } from "../cells";
import { columnTitle } from "../columns";
import { ValueEditor } from "./editors/ValueEditor";

/** Draws the cells of types with an editor of their own: text (wrapped when the row is tall), or chips. */
function draw(args: Parameters<CustomRenderer<ValueCell>["draw"]>[0], cell: ValueCell) {
  const { ctx, rect, theme } = args;
  const padding = theme.cellHorizontalPadding;
  ctx.save();
  ctx.beginPath();
  ctx.rect(rect.x, rect.y, rect.width, rect.height);
  ctx.clip();
  ctx.font = theme.baseFontFull;
  ctx.textBaseline = "middle";
  const chips = cell.data.chips;
  if (chips !== null) {
    let x = rect.x + padding;
    const height = Math.min(20, rect.height - 8);
    const top = rect.y + (Math.min(rect.height, 34) - height) / 2;
    for (const chip of chips) {
      const width = ctx.measureText(chip).width + 14;
      ctx.fillStyle = theme.bgBubble;
      ctx.beginPath();
      ctx.roundRect(x, top, width, height, height / 2);
      ctx.fill();
      ctx.fillStyle = theme.textBubble;
      ctx.fillText(chip, x + 7, top + height / 2);
      x += width + 4;
      if (x > rect.x + rect.width) break;
    }
  } else {
    ctx.fillStyle = theme.textDark;
    const lineHeight = 18;
    const maxLines = Math.max(1, Math.floor((rect.height - 8) / lineHeight));
    const lines = wrap(ctx, cell.data.text, rect.width - padding * 2, maxLines);
    const first = rect.y + (maxLines === 1 ? rect.height / 2 : 4 + lineHeight / 2);
    for (const [index, line] of lines.entries()) ctx.fillText(line, rect.x + padding, first + index * lineHeight);
  }
  ctx.restore();
}

function wrap(ctx: CanvasRenderingContext2D, text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(" ")) {
      const next = line === "" ? word : `${line} ${word}`;
      if (ctx.measureText(next).width > width && line !== "") {
        lines.push(line);
        line = word;
      } else line = next;
      if (lines.length >= maxLines) break;
    }
    lines.push(line);
    if (lines.length >= maxLines) break;
  }
  const shown = lines.slice(0, maxLines);
  const last = shown.at(-1);
  if (last !== undefined && (lines.length > maxLines || ctx.measureText(last).width > width)) {
    let cut = last;
    while (cut.length > 0 && ctx.measureText(`${cut}…`).width > width) cut = cut.slice(0, -1);
    shown[shown.length - 1] = `${cut}…`;
  }
  return shown;
}

/** The overlay a cell opens in: the type's editor, "Save value" and "Cancel" (Escape cancels too). */
function editorFor(table: string): ProvideEditorComponent<ValueCell> {
  // biome-ignore lint/correctness/noComponentHookFactories: Glide takes one editor component per renderer; it is made once per table (valueCellRenderer, memoised by the grid), not on every render
  return function CellEditor({ value: cell, onChange, onFinishedEditing, initialValue }) {
    const [current, setCurrent] = useState(cell);
    const change = (value: unknown) => {
      const next = withValue(cell, value);
      setCurrent(next);
      onChange(next);
    };
    const save = () => onFinishedEditing(current, [0, 0]);
    const onKeyDown = (event: KeyboardEvent) => {
      const inTextarea = event.target instanceof HTMLTextAreaElement;
      if (
        event.key === "Enter" &&
        (!inTextarea || event.ctrlKey || event.metaKey) &&
        !(event.target instanceof HTMLButtonElement)
      ) {
        event.preventDefault();
        event.stopPropagation();
        onFinishedEditing(current, [0, 1]);
      }
    };
    const field = cell.data.field;
    return (
      // biome-ignore lint/a11y/noStaticElementInteractions: Enter in any of the editor's fields saves; the keys come from the fields inside
      <div className={`cell-editor cell-editor-${field.dataType}`} onKeyDown={onKeyDown}>
        <ValueEditor
          field={field}
          label={columnTitle(field)}
          value={current.data.value}
          onChange={change}
          initialText={field.dataType === "json" ? initialValue : undefined}
          autoFocus
          table={table}
        />
        <div className="cell-editor-actions">
          <button type="button" onClick={() => onFinishedEditing(undefined, [0, 0])}>
            Cancel
          </button>
          <button type="button" className="primary" onClick={save}>
            Save value
          </button>
        </div>
      </div>
    );
  };
}

export function valueCellRenderer(table: string): CustomRenderer<ValueCell> {
  const editor = editorFor(table);
  return {
    kind: GridCellKind.Custom,
    isMatch: (cell): cell is ValueCell => isValueCell(cell),
    draw,
    provideEditor: () => ({ editor, disablePadding: false }),
    onDelete: (cell) => withValue(cell, null),
  };
}
