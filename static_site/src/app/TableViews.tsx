import "./switcher.css";
import { type KeyboardEvent, lazy, Suspense, useEffect, useId, useRef, useState } from "react";
import {
  isViewKind,
  KIND_LABELS,
  kindStore,
  latestOpened,
  useViews,
  VIEW_KINDS,
  type ViewKind,
} from "../features/views";
import type { TableDocument } from "../shared/api";

// Each kind of view is a chunk of its own, loaded when it is first shown (Leaflet only with the map).
const TableGrid = lazy(() => import("../features/grid").then((module) => ({ default: module.TableGrid })));
const CalendarView = lazy(() => import("../features/calendar").then((module) => ({ default: module.CalendarView })));
const TimelineView = lazy(() => import("../features/timeline").then((module) => ({ default: module.TimelineView })));
const MapView = lazy(() => import("../features/map").then((module) => ({ default: module.MapView })));

/** A table seen as a grid, a calendar, a timeline or a map: a tab per kind, the last one shown comes back. */
export function TableViews({ table }: { table: TableDocument }) {
  const [kind, setKindState] = useState<ViewKind>(() => kindStore.readKind(table.name));
  const views = useViews(table.name);
  const chosen = useRef(kindStore.hasKind(table.name));
  useEffect(() => {
    // Nothing chosen in this browser yet: the kind of the view opened last on any machine.
    if (chosen.current || views.data === undefined) return;
    chosen.current = true;
    const latest = latestOpened(views.data);
    if (latest !== null && isViewKind(latest.type)) setKindState(latest.type);
  }, [views.data]);
  const base = useId();
  const setKind = (next: ViewKind) => {
    chosen.current = true;
    kindStore.writeKind(table.name, next);
    setKindState(next);
  };
  const onKey = (event: KeyboardEvent) => {
    const index = VIEW_KINDS.indexOf(kind);
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = VIEW_KINDS[(index + step + VIEW_KINDS.length) % VIEW_KINDS.length] ?? "grid";
    setKind(next);
    document.getElementById(`${base}-${next}`)?.focus();
  };
  return (
    <div className="table-views">
      <div role="tablist" aria-label={`Views of ${table.name}`} className="view-kinds" onKeyDown={onKey}>
        {VIEW_KINDS.map((option) => (
          <button
            key={option}
            id={`${base}-${option}`}
            type="button"
            role="tab"
            aria-selected={option === kind}
            aria-controls={`${base}-panel`}
            tabIndex={option === kind ? 0 : -1}
            className="view-kind"
            onClick={() => setKind(option)}
          >
            {KIND_LABELS[option]}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-${kind}`} className="view-panel">
        <Suspense fallback={<p className="muted">Loading the {KIND_LABELS[kind].toLowerCase()}…</p>}>
          {kind === "grid" ? (
            <TableGrid table={table} />
          ) : kind === "calendar" ? (
            <CalendarView table={table} />
          ) : kind === "timeline" ? (
            <TimelineView table={table} />
          ) : (
            <MapView table={table} />
          )}
        </Suspense>
      </div>
    </div>
  );
}
