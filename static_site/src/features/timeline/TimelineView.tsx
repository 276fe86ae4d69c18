import { type KeyboardEvent, type PointerEvent, useMemo, useRef, useState } from "react";
import type { RecordRow, TableDocument } from "../../shared/api";
import { ErrorMessage } from "../../shared/ui/ErrorMessage";
import { toWhereFilter } from "../grid";
import { useViewLayout } from "../views";
import {
  addDays,
  DateFieldSelects,
  type DayRange,
  DisplayFieldSelect,
  daysBetween,
  FieldSelect,
  labelOf,
  NUMBER_TYPES,
  RecordEditor,
  rangeFilter,
  shiftPatch,
  shiftValue,
  spanOf,
  today,
  useLiveRefetch,
  useViewRecords,
  useViewWrites,
  ViewFilter,
  ViewToolbar,
} from "../viewswitch";
import {
  barOf,
  defaultFrom,
  dragDays,
  progressAt,
  progressOf,
  resizedEnd,
  SCALES,
  type Scale,
  scaleOf,
  TIMELINE_ZOOMS,
  type TimelineZoom,
  timelineCodec,
  treeOrder,
  xOf,
} from "./timeline";

const ZOOM_LABELS: Record<TimelineZoom, string> = { day: "Day", week: "Week", month: "Month" };
const ROW = 28;
const HEAD = 34;
const LABELS = 200;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

type Drag = {
  id: string;
  mode: "move" | "end" | "progress";
  startX: number;
  dx: number;
  barX: number;
  barWidth: number;
};

/** A Gantt chart: a bar per record from its start to its end, over day, week or month columns. */
export function TimelineView({ table }: { table: TableDocument }) {
  const saved = useViewLayout(table.name, table.schema, "timeline", timelineCodec);
  const { layout, setLayout } = saved;
  const key = table.primaryKey.name;
  const live = useLiveRefetch(table.name);
  const writes = useViewWrites(table.name, key);
  const [editing, setEditing] = useState<RecordRow | null>(null);
  const [drag, setDrag] = useState<Drag | null>(null);
  const dragRef = useRef<Drag | null>(null);

  const from = layout.from ?? defaultFrom(layout.zoom, today());
  const scale = scaleOf(layout.zoom, from);
  const own = useMemo(() => toWhereFilter(layout.filter, table.schema), [layout.filter, table.schema]);
  const filter = layout.start === null ? null : rangeFilter(layout.start, layout.end, scale.range, own);
  const records = useViewRecords(table.name, "timeline", filter, saved.ready && layout.start !== null);
  const writable = table.schema.find((column) => column.name === layout.start)?.dataType === "date";
  const endWritable =
    layout.end !== null && table.schema.find((column) => column.name === layout.end)?.dataType === "date";

  const rows = useMemo(() => {
    if (layout.start === null) return [];
    const withSpan = (records.data?.rows ?? []).filter(
      (row) => spanOf(row, layout.start as string, layout.end) !== null,
    );
    const start = layout.start;
    return treeOrder(
      withSpan,
      key,
      layout.parent,
      (row) => `${spanOf(row, start, layout.end)?.start ?? ""}${String(row[key])}`,
    );
  }, [records.data, layout.start, layout.end, layout.parent, key]);

  const patch = (change: Partial<typeof layout>) => setLayout((current) => ({ ...current, ...change }));
  const write = (row: RecordRow, data: RecordRow | null) => {
    if (data === null) return;
    const before: RecordRow = {};
    for (const field of Object.keys(data)) before[field] = row[field];
    writes.patch.mutate({ id: row[key], data, before });
  };
  const move = (row: RecordRow, days: number) =>
    layout.start !== null &&
    writable &&
    write(row, shiftPatch(row, layout.start, endWritable ? layout.end : null, days));
  const resize = (row: RecordRow, span: DayRange, days: number) => {
    if (!endWritable || layout.end === null || days === 0) return;
    const delta = daysBetween(span.end, resizedEnd(span, days));
    const stored = row[layout.end];
    if (delta !== 0)
      write(row, {
        [layout.end]: stored === null || stored === undefined ? addDays(span.end, delta) : shiftValue(stored, delta),
      });
  };
  const setProgress = (row: RecordRow, value: number) =>
    layout.progress !== null && write(row, { [layout.progress]: value });

  const begin = (event: PointerEvent, id: string, mode: Drag["mode"], bar: { x: number; width: number }) => {
    if (event.button !== 0) return;
    event.stopPropagation();
    (event.currentTarget as Element).setPointerCapture?.(event.pointerId);
    const next = { id, mode, startX: event.clientX, dx: 0, barX: bar.x, barWidth: bar.width };
    dragRef.current = next;
    setDrag(next);
  };
  const onMove = (event: PointerEvent) => {
    const current = dragRef.current;
    if (current === null) return;
    const next = { ...current, dx: event.clientX - current.startX };
    dragRef.current = next;
    setDrag(next);
  };
  const onUp = (row: RecordRow, span: DayRange) => {
    const current = dragRef.current;
    dragRef.current = null;
    setDrag(null);
    if (current === null) return;
    if (current.mode === "move") {
      if (Math.abs(current.dx) < 4) setEditing(row);
      else move(row, dragDays(scale, current.dx));
    } else if (current.mode === "end") resize(row, span, dragDays(scale, current.dx));
    else
      setProgress(
        row,
        progressAt(
          current.barX,
          current.barWidth,
          current.barX + current.barWidth * (progressOf(row[layout.progress ?? ""]) / 100) + current.dx,
        ),
      );
  };

  const height = HEAD + Math.max(rows.length, 1) * ROW + 8;
  const current = today();

  return (
    <section className="grid-area">
      <ViewToolbar label="Timeline tools" saved={saved} live={live} truncated={records.data?.truncated ?? false}>
        <DateFieldSelects schema={table.schema} start={layout.start} end={layout.end} onChange={patch} />
        <DisplayFieldSelect schema={table.schema} value={layout.display} onChange={(display) => patch({ display })} />
        <FieldSelect
          label="Progress field"
          schema={table.schema}
          types={NUMBER_TYPES}
          value={layout.progress}
          noneLabel="(none)"
          onChange={(progress) => patch({ progress })}
        />
        <FieldSelect
          label="Parent field"
          schema={table.schema}
          types={null}
          value={layout.parent}
          noneLabel="(none)"
          onChange={(parent) => patch({ parent })}
        />
        <ViewFilter schema={table.schema} filter={layout.filter} onChange={(filter) => patch({ filter })} />
        <span className="segmented" role="group" aria-label="Zoom">
          {TIMELINE_ZOOMS.map((zoom) => (
            <button
              key={zoom}
              type="button"
              aria-pressed={layout.zoom === zoom}
              onClick={() => patch({ zoom, from: layout.from === null ? null : layout.from })}
            >
              {ZOOM_LABELS[zoom]}
            </button>
          ))}
        </span>
        <button type="button" onClick={() => patch({ from: null })}>
          Today
        </button>
        <button
          type="button"
          aria-label="Previous"
          onClick={() => patch({ from: addDays(from, -SCALES[layout.zoom].step) })}
        >
          ‹
        </button>
        <button
          type="button"
          aria-label="Next"
          onClick={() => patch({ from: addDays(from, SCALES[layout.zoom].step) })}
        >
          ›
        </button>
        <span className="range-title">
          {scale.range.start} – {scale.range.end}
        </span>
      </ViewToolbar>
      <ErrorMessage error={saved.viewsError} />
      <ErrorMessage error={records.error} />
      <ErrorMessage error={writes.error} onDismiss={writes.reset} />
      {layout.start === null ? (
        <p className="view-empty muted">This table has no date column: add one to see its records on a timeline.</p>
      ) : (
        <div className="view-body">
          <div role="region" aria-label="Timeline" className="tl" aria-busy={records.isFetching}>
            {/* biome-ignore lint/a11y/noSvgWithoutTitle: the region around it is named "Timeline"; each bar is a button with its own title */}
            <svg width={LABELS + scale.width} height={height} onPointerMove={onMove}>
              <Ticks scale={scale} zoom={layout.zoom} height={height} />
              {current >= scale.range.start && current <= scale.range.end && (
                <line
                  className="tl-today"
                  x1={LABELS + xOf(scale, current)}
                  x2={LABELS + xOf(scale, current)}
                  y1={HEAD - 6}
                  y2={height}
                />
              )}
              {rows.length === 0 && (
                <text x={LABELS + 8} y={HEAD + 18} className="muted" fontSize={12}>
                  {records.isLoading ? "Loading…" : "No records in this range."}
                </text>
              )}
              {rows.map(({ row, depth }, index) => {
                const id = String(row[key]);
                const span = spanOf(row, layout.start as string, layout.end) as DayRange;
                const label = labelOf(row, layout.display, key);
                const y = HEAD + index * ROW;
                const bar = barOf(scale, span);
                const active = drag?.id === id ? drag : null;
                const dx = active === null ? 0 : dragDays(scale, active.dx) * scale.pxPerDay;
                const shown =
                  bar === null
                    ? null
                    : active?.mode === "move"
                      ? { x: bar.x + dx, width: bar.width }
                      : active?.mode === "end"
                        ? { x: bar.x, width: Math.max(scale.pxPerDay, bar.width + dx) }
                        : bar;
                const stored = layout.progress === null ? null : progressOf(row[layout.progress]);
                const progress =
                  stored === null
                    ? null
                    : active?.mode === "progress" && bar !== null
                      ? progressAt(bar.x, bar.width, bar.x + (bar.width * stored) / 100 + active.dx)
                      : stored;
                return (
                  <g key={id}>
                    <text x={8 + depth * 14} y={y + 18} fontSize={12} className="tl-label">
                      {label.length > 26 ? `${label.slice(0, 25)}…` : label}
                    </text>
                    {shown !== null && (
                      <g
                        className="tl-bar"
                        role="button"
                        tabIndex={0}
                        aria-label={label}
                        transform={`translate(${LABELS + shown.x},${y + 4})`}
                        onPointerDown={(event) => bar !== null && begin(event, id, "move", bar)}
                        onPointerUp={() => onUp(row, span)}
                        onKeyDown={(event: KeyboardEvent) => {
                          if (event.key === "Enter" || event.key === " ") {
                            event.preventDefault();
                            setEditing(row);
                          } else if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
                            event.preventDefault();
                            move(row, event.key === "ArrowRight" ? 1 : -1);
                          }
                        }}
                      >
                        <title>{`${label}: ${span.start} – ${span.end}${progress === null ? "" : `, ${progress}%`}`}</title>
                        <rect className="bar" width={shown.width} height={ROW - 8} rx={4} />
                        {progress !== null && (
                          <rect className="done" width={(shown.width * progress) / 100} height={ROW - 8} rx={4} />
                        )}
                        <text x={6} y={14}>
                          {shown.width > 40 ? label : ""}
                        </text>
                        {endWritable && (
                          <rect
                            className="tl-handle"
                            role="slider"
                            tabIndex={0}
                            aria-label={`End of ${label}`}
                            aria-valuetext={span.end}
                            aria-valuenow={0}
                            x={shown.width - 6}
                            width={8}
                            height={ROW - 8}
                            onPointerDown={(event) => bar !== null && begin(event, id, "end", bar)}
                            onPointerUp={(event) => {
                              event.stopPropagation();
                              onUp(row, span);
                            }}
                            onKeyDown={(event) => {
                              if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
                              event.preventDefault();
                              event.stopPropagation();
                              resize(row, span, event.key === "ArrowRight" ? 1 : -1);
                            }}
                          />
                        )}
                        {progress !== null && (
                          <path
                            className="tl-progress"
                            role="slider"
                            tabIndex={0}
                            aria-label={`Progress of ${label}`}
                            aria-valuemin={0}
                            aria-valuemax={100}
                            aria-valuenow={progress}
                            d={`M ${(shown.width * progress) / 100} ${ROW - 12} l 5 8 h -10 z`}
                            onPointerDown={(event) => bar !== null && begin(event, id, "progress", bar)}
                            onPointerUp={(event) => {
                              event.stopPropagation();
                              onUp(row, span);
                            }}
                            onKeyDown={(event) => {
                              if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
                              event.preventDefault();
                              event.stopPropagation();
                              setProgress(
                                row,
                                Math.max(0, Math.min(100, progress + (event.key === "ArrowRight" ? 5 : -5))),
                              );
                            }}
                          />
                        )}
                      </g>
                    )}
                  </g>
                );
              })}
            </svg>
          </div>
        </div>
      )}
      {editing !== null && (
        <RecordEditor table={table} row={editing} writes={writes} onClose={() => setEditing(null)} />
      )}
    </section>
  );
}

function Ticks({ scale, zoom, height }: { scale: Scale; zoom: TimelineZoom; height: number }) {
  const ticks: { day: string; label: string }[] = [];
  for (let day = scale.range.start; day <= scale.range.end; day = addDays(day, 1)) {
    const date = new Date(`${day}T00:00:00Z`);
    if (zoom === "day") ticks.push({ day, label: `${date.getUTCDate()}` });
    else if (zoom === "week" && date.getUTCDay() === 1)
      ticks.push({ day, label: `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]}` });
    else if (zoom === "month" && date.getUTCDate() === 1)
      ticks.push({ day, label: `${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}` });
  }
  return (
    // biome-ignore lint/a11y/noAriaHiddenOnFocusable: an SVG group is not focusable; the day lines and their labels are decoration, each bar names its dates
    <g className="tl-grid" aria-hidden="true">
      {ticks.map(({ day, label }) => {
        const x = LABELS + xOf(scale, day);
        return (
          <g key={day}>
            <line x1={x} x2={x} y1={HEAD - 10} y2={height} />
            <text x={x + 3} y={HEAD - 14}>
              {label}
            </text>
          </g>
        );
      })}
      <line x1={0} x2={LABELS + scale.width} y1={HEAD - 4} y2={HEAD - 4} />
    </g>
  );
}
