import { useQuery } from "@tanstack/react-query";
import {
  type KeyboardEvent,
  type PointerEvent,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type WheelEvent,
} from "react";
import { queryKeys, type TableDocument, useApi } from "../../shared/api";
import { ErrorMessage } from "../../shared/ui/ErrorMessage";
import { ERD_METRICS, type ErdNode, type ErdTableInput, fitTransform, layoutErd, type NameMode } from "./erd";

interface Transform {
  scale: number;
  x: number;
  y: number;
}

const MIN_SCALE = 0.1;
const MAX_SCALE = 3;
const clampScale = (scale: number) => Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));

/** `GET /rest/db/tables?includeSchema=true`: every table with its columns, under the tables' key so edits refresh it. */
function useTablesWithSchema() {
  const api = useApi();
  return useQuery({
    queryKey: [...queryKeys.tables, { includeSchema: true }] as const,
    queryFn: ({ signal }) =>
      api.request<Array<TableDocument & ErdTableInput>>("GET", "/rest/db/tables", {
        query: new URLSearchParams({ includeSchema: "true" }),
        signal,
      }),
  });
}

function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function sizeOf(element: HTMLElement | null) {
  const box = element?.getBoundingClientRect();
  return { width: box?.width ?? 0, height: box?.height ?? 0 };
}

/** The relations diagram (ERD): every table, its columns and an edge per reference; click a table to open it. */
export function RelationsPage({ onOpenTable }: { onOpenTable: (table: string) => void }) {
  const tables = useTablesWithSchema();
  const [mode, setMode] = useState<NameMode>("ui");
  const layout = useMemo(() => layoutErd(tables.data ?? [], mode), [tables.data, mode]);
  const viewport = useRef<HTMLDivElement>(null);
  const [transform, setTransform] = useState<Transform | null>(null);
  const [hovered, setHovered] = useState<string | null>(null);
  const drag = useRef<{ pointer: number; x: number; y: number } | null>(null);

  const fit = useCallback(() => setTransform(fitTransform(layout, sizeOf(viewport.current))), [layout]);
  // Fit once the tables are in, and again after the names switch (it changes the boxes' widths).
  useLayoutEffect(() => {
    if (transform === null && tables.data !== undefined) fit();
  }, [transform, tables.data, fit]);

  const zoomBy = (factor: number, at?: { x: number; y: number }) =>
    setTransform((current) => {
      const base = current ?? { scale: 1, x: 0, y: 0 };
      const size = sizeOf(viewport.current);
      const point = at ?? { x: size.width / 2, y: size.height / 2 };
      const scale = clampScale(base.scale * factor);
      const ratio = scale / base.scale;
      return { scale, x: point.x - (point.x - base.x) * ratio, y: point.y - (point.y - base.y) * ratio };
    });

  // Wheel zoom must be able to prevent the page's scroll: a non-passive listener.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the viewport is rendered once the tables are in
  useEffect(() => {
    const element = viewport.current;
    if (!element) return;
    const onWheel = (event: globalThis.WheelEvent) => event.preventDefault();
    element.addEventListener("wheel", onWheel, { passive: false });
    return () => element.removeEventListener("wheel", onWheel);
  }, [tables.data]);
  const onWheel = (event: WheelEvent) => {
    const box = viewport.current?.getBoundingClientRect();
    if (!box) return;
    zoomBy(event.deltaY < 0 ? 1.1 : 1 / 1.1, { x: event.clientX - box.left, y: event.clientY - box.top });
  };

  const onPointerDown = (event: PointerEvent) => {
    if ((event.target as Element).closest(".erd-node")) return;
    drag.current = { pointer: event.pointerId, x: event.clientX, y: event.clientY };
    (event.currentTarget as Element).setPointerCapture(event.pointerId);
  };
  const onPointerMove = (event: PointerEvent) => {
    const start = drag.current;
    if (start === null || start.pointer !== event.pointerId) return;
    const dx = event.clientX - start.x;
    const dy = event.clientY - start.y;
    drag.current = { ...start, x: event.clientX, y: event.clientY };
    setTransform((current) => (current === null ? current : { ...current, x: current.x + dx, y: current.y + dy }));
  };
  const onPointerUp = () => {
    drag.current = null;
  };

  const view = transform ?? { scale: 1, x: 0, y: 0 };
  const related = (edgeFrom: string, edgeTo: string) =>
    hovered !== null && (edgeFrom === hovered || edgeTo === hovered);

  return (
    <section className="relations-page" aria-label="Relations">
      <div className="relations-toolbar" role="toolbar" aria-label="Diagram">
        <h2>Relations</h2>
        <button type="button" onClick={() => zoomBy(1.25)} disabled={view.scale >= MAX_SCALE}>
          Zoom in
        </button>
        <button type="button" onClick={() => zoomBy(1 / 1.25)} disabled={view.scale <= MIN_SCALE}>
          Zoom out
        </button>
        <button type="button" onClick={fit}>
          Fit to screen
        </button>
        <span className="relations-zoom" aria-live="polite">
          {Math.round(view.scale * 100)}%
        </span>
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            checked={mode === "ui"}
            aria-checked={mode === "ui"}
            onChange={(event) => {
              setMode(event.target.checked ? "ui" : "technical");
              setTransform(null); // names change the boxes' widths: fit again
            }}
          />
          Show UI names
        </label>
        <span className="muted">
          {counted(layout.nodes.length, "table")}, {counted(layout.edges.length, "reference")}
        </span>
      </div>
      {tables.error ? (
        <ErrorMessage error={tables.error} />
      ) : tables.data === undefined ? (
        <p className="muted">Loading the tables…</p>
      ) : tables.data.length === 0 ? (
        <p className="empty-state">No tables yet.</p>
      ) : (
        <div
          className="relations-viewport"
          ref={viewport}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerUp}
          onWheel={onWheel}
        >
          <svg className="relations-diagram" role="group" aria-label="Relations diagram" width="100%" height="100%">
            <defs>
              <marker
                id="erd-arrow"
                viewBox="0 0 10 10"
                refX="9"
                refY="5"
                markerWidth="8"
                markerHeight="8"
                orient="auto-start-reverse"
              >
                <path d="M 0 0 L 10 5 L 0 10 z" className="erd-arrow" />
              </marker>
            </defs>
            <g transform={`translate(${view.x} ${view.y}) scale(${view.scale})`}>
              {layout.edges.map((edge) => (
                // biome-ignore lint/a11y/noInteractiveElementToNoninteractiveRole: an edge is a picture named by its title; an SVG group is not interactive
                <g
                  key={edge.id}
                  className={`erd-edge${related(edge.fromTable, edge.toTable) ? " highlighted" : ""}`}
                  role="img"
                  aria-label={edge.title}
                >
                  <title>{edge.title}</title>
                  <path d={edge.path} className="erd-edge-hit" />
                  <path d={edge.path} className="erd-edge-line" markerEnd="url(#erd-arrow)" />
                </g>
              ))}
              {layout.nodes.map((node) => (
                <TableNode
                  key={node.table}
                  node={node}
                  onOpen={() => onOpenTable(node.table)}
                  onHover={(on) => setHovered(on ? node.table : null)}
                  dimmed={hovered !== null && hovered !== node.table}
                />
              ))}
            </g>
          </svg>
        </div>
      )}
    </section>
  );
}

function TableNode({
  node,
  onOpen,
  onHover,
  dimmed,
}: {
  node: ErdNode;
  onOpen: () => void;
  onHover: (on: boolean) => void;
  dimmed: boolean;
}) {
  const m = ERD_METRICS;
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      onOpen();
    }
  };
  const clip = (text: string, room: number) => {
    const chars = Math.floor(room / m.charWidth);
    return text.length > chars ? `${text.slice(0, Math.max(1, chars - 1))}…` : text;
  };
  return (
    <g
      className={`erd-node${dimmed ? " dimmed" : ""}`}
      role="button"
      tabIndex={0}
      aria-label={node.label}
      transform={`translate(${node.x} ${node.y})`}
      onClick={onOpen}
      onKeyDown={onKeyDown}
      onPointerEnter={() => onHover(true)}
      onPointerLeave={() => onHover(false)}
      onFocus={() => onHover(true)}
      onBlur={() => onHover(false)}
    >
      <title>{node.label === node.table ? `Open ${node.table}` : `Open ${node.label} (${node.table})`}</title>
      <rect className="erd-node-box" width={node.width} height={node.height} rx={6} />
      <path
        className="erd-node-header"
        d={`M 0 ${m.headerHeight} V 6 a 6 6 0 0 1 6 -6 H ${node.width - 6} a 6 6 0 0 1 6 6 V ${m.headerHeight} Z`}
      />
      <text className="erd-node-title" x={m.padding} y={m.headerHeight / 2} dominantBaseline="central">
        {clip(node.label, node.width - 2 * m.padding)}
      </text>
      {node.columns.map((column, index) => {
        const y = m.headerHeight + index * m.rowHeight + m.rowHeight / 2;
        const typeRoom = column.dataType.length * m.charWidth * 0.9;
        return (
          <g
            key={column.name}
            className={`erd-column${column.references ? " reference" : ""}${column.primary ? " primary" : ""}`}
          >
            {column.primary && <circle className="erd-key" cx={m.padding + 3} cy={y} r={3.5} />}
            {column.references && <path className="erd-ref" d={`M ${m.padding - 1} ${y} h 7 m -3 -3 l 3 3 l -3 3`} />}
            <text x={m.padding + 12} y={y} dominantBaseline="central" className="erd-column-name">
              {clip(column.label, node.width - 3 * m.padding - typeRoom - 12)}
            </text>
            <text
              x={node.width - m.padding}
              y={y}
              dominantBaseline="central"
              textAnchor="end"
              className="erd-column-type"
            >
              {column.dataType}
            </text>
          </g>
        );
      })}
    </g>
  );
}
