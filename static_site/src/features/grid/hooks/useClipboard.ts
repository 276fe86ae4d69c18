import type { GridSelection } from "@glideapps/glide-data-grid";
import { type RefObject, useEffect, useRef } from "react";
import { cellCopyText } from "../cells";
import { type Area, type GridContext, planClear, planPaste } from "../editing/plan";
import { formatTsv, parseTsv } from "../editing/tsv";
import type { Edit } from "../editing/undo";

interface Options {
  frame: RefObject<HTMLElement | null>;
  selection: GridSelection;
  context: GridContext;
  apply: (edit: Edit) => Promise<boolean>;
  notify: (message: string | null) => void;
}

/** The area a copy or cut takes: the selected range, else the checked rows across every column. */
export function selectedArea(selection: GridSelection, columnCount: number): Area | null {
  if (selection.current !== undefined) return selection.current.range;
  const rows = selection.rows.toArray();
  if (rows.length === 0) return null;
  const first = Math.min(...rows);
  return { x: 0, y: first, width: columnCount, height: Math.max(...rows) - first + 1 };
}

/**
 * Copy, cut and paste of cell ranges as tab-separated text, to and from spreadsheets. A paste is one
 * `bulk-update` (all or nothing), written only when every pasted value fits its column.
 */
export function useClipboard({ frame, selection, context, apply, notify }: Options) {
  const latest = useRef({ selection, context, apply, notify });
  latest.current = { selection, context, apply, notify };

  useEffect(() => {
    const ours = () => frame.current?.contains(document.activeElement) === true;
    const copy = (event: ClipboardEvent, cut: boolean) => {
      if (!ours()) return;
      const { selection, context, apply } = latest.current;
      const area = selectedArea(selection, context.columns.length);
      if (area === null) return;
      const matrix: string[][] = [];
      for (let row = area.y; row < area.y + area.height; row++) {
        const record = context.getRow(row);
        const line: string[] = [];
        for (let col = area.x; col < area.x + area.width; col++) {
          const column = context.columns[col];
          if (column !== undefined) line.push(record === undefined ? "" : cellCopyText(column, record[column.name]));
        }
        matrix.push(line);
      }
      event.clipboardData?.setData("text/plain", formatTsv(matrix));
      event.preventDefault();
      if (cut) void apply(planClear(area, context));
    };
    const onCopy = (event: ClipboardEvent) => copy(event, false);
    const onCut = (event: ClipboardEvent) => copy(event, true);
    const onPaste = (event: ClipboardEvent) => {
      if (!ours()) return;
      const { selection, context, apply, notify } = latest.current;
      const current = selection.current;
      const text = event.clipboardData?.getData("text/plain") ?? "";
      if (current === undefined || text === "") return;
      event.preventDefault();
      const plan = planPaste(parseTsv(text), current.cell, context, current.range);
      if (plan.errors.length > 0) {
        const more = plan.errors.length > 3 ? ` (and ${plan.errors.length - 3} more)` : "";
        notify(`Nothing was pasted: ${plan.errors.slice(0, 3).join("; ")}${more}`);
        return;
      }
      notify(
        plan.rowsPastEnd > 0 ? `${plan.rowsPastEnd} pasted row(s) fell past the last record and were left out` : null,
      );
      void apply(plan.edit);
    };
    document.addEventListener("copy", onCopy);
    document.addEventListener("cut", onCut);
    document.addEventListener("paste", onPaste);
    return () => {
      document.removeEventListener("copy", onCopy);
      document.removeEventListener("cut", onCut);
      document.removeEventListener("paste", onPaste);
    };
  }, [frame]);
}
