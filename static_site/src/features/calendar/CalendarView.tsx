import { type DragEvent, useMemo, useState } from "react";
import type { RecordRow, TableDocument } from "../../shared/api";
import { ErrorMessage } from "../../shared/ui/ErrorMessage";
import { toWhereFilter } from "../grid";
import { useViewLayout } from "../views";
import {
  DateFieldSelects,
  DisplayFieldSelect,
  daysBetween,
  labelOf,
  NewRecordEditor,
  RecordEditor,
  rangeFilter,
  shiftPatch,
  spanOf,
  useLiveRefetch,
  useViewRecords,
  useViewWrites,
  ViewFilter,
  ViewToolbar,
} from "../viewswitch";
import {
  CALENDAR_MODES,
  type CalendarMode,
  calendarCodec,
  daysOf,
  longDay,
  rangeTitle,
  stepDate,
  today,
  visibleRange,
} from "./calendar";

const MODE_LABELS: Record<CalendarMode, string> = { month: "Month", week: "Week", day: "Day" };
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MAX_PER_DAY = { month: 4, week: 30, day: 200 } as const;
const DRAG_TYPE = "application/x-polarbase-event";

/** Records on a month, week or day grid by a start (and end) date; only the visible range is fetched. */
export function CalendarView({ table }: { table: TableDocument }) {
  const saved = useViewLayout(table.name, table.schema, "calendar", calendarCodec);
  const { layout, setLayout } = saved;
  const key = table.primaryKey.name;
  const live = useLiveRefetch(table.name);
  const writes = useViewWrites(table.name, key);
  const [editing, setEditing] = useState<RecordRow | null>(null);
  const [dropDay, setDropDay] = useState<string | null>(null);
  const [creating, setCreating] = useState<RecordRow | null>(null);

  const day = layout.date ?? today();
  const range = visibleRange(layout.mode, day);
  const own = useMemo(() => toWhereFilter(layout.filter, table.schema), [layout.filter, table.schema]);
  const filter = layout.start === null ? null : rangeFilter(layout.start, layout.end, range, own);
  const records = useViewRecords(table.name, "calendar", filter, saved.ready && layout.start !== null);
  const startColumn = table.schema.find((column) => column.name === layout.start);
  const writable = startColumn?.dataType === "date";

  const byDay = useMemo(() => {
    const map = new Map<string, { row: RecordRow; first: boolean }[]>();
    if (layout.start === null) return map;
    for (const row of records.data?.rows ?? []) {
      const span = spanOf(row, layout.start, layout.end);
      if (span === null) continue;
      const from = span.start < range.start ? range.start : span.start;
      const to = span.end > range.end ? range.end : span.end;
      for (const shown of from <= to ? daysOf({ start: from, end: to }) : []) {
        const list = map.get(shown) ?? [];
        list.push({ row, first: shown === span.start || shown === from });
        map.set(shown, list);
      }
    }
    return map;
  }, [records.data, layout.start, layout.end, range.start, range.end]);

  const patch = (change: Partial<typeof layout>) => setLayout((current) => ({ ...current, ...change }));
  const days = daysOf(range);
  const columns = layout.mode === "day" ? 1 : 7;
  const current = today();

  const addOn = (date: string) => {
    if (layout.start === null || !writable) return;
    const data: RecordRow = { [layout.start]: date };
    if (
      layout.end !== null &&
      layout.end !== layout.start &&
      table.schema.find((column) => column.name === layout.end)?.dataType === "date"
    )
      data[layout.end] = date;
    // Straight in when the table takes it; when it needs more (a required column), the new-record form asks for it.
    writes.create.mutate(data, {
      onSuccess: (row) => setEditing(row),
      onError: () => {
        writes.reset();
        setCreating(data);
      },
    });
  };

  const onDrop = (event: DragEvent, target: string) => {
    event.preventDefault();
    setDropDay(null);
    const raw = event.dataTransfer.getData(DRAG_TYPE);
    if (raw === "" || layout.start === null) return;
    const { id, from } = JSON.parse(raw) as { id: string; from: string };
    const row = records.data?.rows.find((candidate) => String(candidate[key]) === id);
    if (row === undefined) return;
    const body = shiftPatch(row, layout.start, layout.end, daysBetween(from, target));
    if (body === null) return;
    const before: RecordRow = {};
    for (const field of Object.keys(body)) before[field] = row[field];
    writes.patch.mutate({ id: row[key], data: body, before });
  };

  return (
    <section className="grid-area">
      <ViewToolbar label="Calendar tools" saved={saved} live={live} truncated={records.data?.truncated ?? false}>
        <DateFieldSelects schema={table.schema} start={layout.start} end={layout.end} onChange={patch} />
        <DisplayFieldSelect schema={table.schema} value={layout.display} onChange={(display) => patch({ display })} />
        <ViewFilter schema={table.schema} filter={layout.filter} onChange={(filter) => patch({ filter })} />
        <span className="segmented" role="group" aria-label="Calendar mode">
          {CALENDAR_MODES.map((mode) => (
            <button key={mode} type="button" aria-pressed={layout.mode === mode} onClick={() => patch({ mode })}>
              {MODE_LABELS[mode]}
            </button>
          ))}
        </span>
        <button type="button" onClick={() => patch({ date: null })}>
          Today
        </button>
        <button type="button" aria-label="Previous" onClick={() => patch({ date: stepDate(layout.mode, day, -1) })}>
          ‹
        </button>
        <button type="button" aria-label="Next" onClick={() => patch({ date: stepDate(layout.mode, day, 1) })}>
          ›
        </button>
        <span className="range-title" aria-live="polite">
          {rangeTitle(layout.mode, day)}
        </span>
      </ViewToolbar>
      <ErrorMessage error={saved.viewsError} />
      <ErrorMessage error={records.error} />
      <ErrorMessage error={creating === null ? writes.error : null} onDismiss={writes.reset} />
      {layout.start === null ? (
        <p className="view-empty muted">This table has no date column: add one to see its records on a calendar.</p>
      ) : (
        <div className="view-body">
          <div
            role="region"
            aria-label="Calendar"
            className="cal"
            style={{ ["--cols" as string]: columns }}
            aria-busy={records.isFetching}
          >
            {layout.mode !== "day" && (
              <div className="cal-head" aria-hidden="true">
                {WEEKDAYS.map((name) => (
                  <div key={name}>{name}</div>
                ))}
              </div>
            )}
            <div className="cal-grid" role="grid" aria-label={rangeTitle(layout.mode, day)}>
              {chunk(days, columns).map((week) => (
                // biome-ignore lint/a11y/useFocusableInteractive: a row of the grid; its cells' buttons take the focus
                <div role="row" key={week[0]} style={{ display: "contents" }}>
                  {week.map((date) => {
                    const events = byDay.get(date) ?? [];
                    const limit = MAX_PER_DAY[layout.mode];
                    const outside = layout.mode === "month" && date.slice(0, 7) !== day.slice(0, 7);
                    return (
                      // biome-ignore lint/a11y/useFocusableInteractive lint/a11y/useKeyWithClickEvents: the cell's own "Add" button is the keyboard's way; a click on the empty day is the mouse's shortcut to it
                      <div
                        key={date}
                        role="gridcell"
                        aria-label={longDay(date)}
                        className={`cal-day${outside ? " outside" : ""}${date === current ? " today" : ""}${dropDay === date ? " drop" : ""}`}
                        onClick={(event) => event.target === event.currentTarget && addOn(date)}
                        onDragOver={(event) => {
                          if (!writable) return;
                          event.preventDefault();
                          event.dataTransfer.dropEffect = "move";
                          if (dropDay !== date) setDropDay(date);
                        }}
                        onDragLeave={() => setDropDay((currentDrop) => (currentDrop === date ? null : currentDrop))}
                        onDrop={(event) => onDrop(event, date)}
                      >
                        <button
                          type="button"
                          className="cal-day-number"
                          aria-label={`Add record on ${date}`}
                          title="Add a record on this day"
                          disabled={!writable}
                          onClick={() => addOn(date)}
                        >
                          {Number(date.slice(8))}
                        </button>
                        {events.slice(0, limit).map(({ row, first }) => {
                          const label = labelOf(row, layout.display, key);
                          return (
                            <button
                              key={String(row[key])}
                              type="button"
                              className={`cal-event${first ? "" : " continued"}`}
                              draggable={writable}
                              title={label}
                              onDragStart={(event) => {
                                event.dataTransfer.setData(
                                  DRAG_TYPE,
                                  JSON.stringify({ id: String(row[key]), from: date }),
                                );
                                event.dataTransfer.effectAllowed = "move";
                              }}
                              onClick={() => setEditing(row)}
                            >
                              {label}
                            </button>
                          );
                        })}
                        {events.length > limit && <span className="cal-more">+{events.length - limit} more</span>}
                      </div>
                    );
                  })}
                </div>
              ))}
            </div>
          </div>
        </div>
      )}
      {editing !== null && (
        <RecordEditor table={table} row={editing} writes={writes} onClose={() => setEditing(null)} />
      )}
      {creating !== null && (
        <NewRecordEditor table={table} preset={creating} writes={writes} onClose={() => setCreating(null)} />
      )}
    </section>
  );
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const rows: T[][] = [];
  for (let index = 0; index < items.length; index += size) rows.push(items.slice(index, index + size));
  return rows;
}
