import "leaflet/dist/leaflet.css";
import L from "leaflet";
import { useEffect, useMemo, useRef, useState } from "react";
import { type RecordRow, type RowsPage, type TableDocument, useApi } from "../../shared/api";
import { studioConfig } from "../../shared/session/studioSession";
import { ErrorMessage } from "../../shared/ui/ErrorMessage";
import { isPoint, toWhereFilter } from "../grid";
import { useViewLayout } from "../views";
import {
  DisplayFieldSelect,
  FieldSelect,
  labelOf,
  POINT_TYPES,
  RecordEditor,
  useLiveRefetch,
  useViewRecords,
  useViewWrites,
  VIEW_LIMIT,
  ViewFilter,
  ViewToolbar,
} from "../viewswitch";
import {
  type Bounds,
  boundsFilter,
  clusterMarkers,
  DEFAULT_CENTER,
  DEFAULT_ZOOM,
  mapCodec,
  OSM_TILES,
  pointPatch,
  pointsBounds,
} from "./mapLogic";

const MOVE_SETTLE_MS = 300;
const OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';

/** Records on a Leaflet map by a geo-point; only those inside the visible area are fetched. */
export function MapView({ table }: { table: TableDocument }) {
  const saved = useViewLayout(table.name, table.schema, "map", mapCodec);
  const { layout, setLayout } = saved;
  const key = table.primaryKey.name;
  const live = useLiveRefetch(table.name);
  const writes = useViewWrites(table.name, key);
  const [editing, setEditing] = useState<RecordRow | null>(null);
  const [bounds, setBounds] = useState<Bounds | null>(null);
  const [tilesFailed, setTilesFailed] = useState(false);
  const [viewport, setViewport] = useState(0);
  const [fitting, setFitting] = useState(false);
  const api = useApi();

  const frame = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const markers = useRef<L.LayerGroup | null>(null);
  const touched = useRef(0);

  const own = useMemo(() => toWhereFilter(layout.filter, table.schema), [layout.filter, table.schema]);
  const filter = layout.point === null || bounds === null ? null : boundsFilter(layout.point, bounds, own);
  const records = useViewRecords(table.name, "map", filter, saved.ready && filter !== null);
  const writable = layout.point !== null;

  const latest = useRef({ setLayout, writes, layout, rows: [] as RecordRow[] });
  latest.current = { setLayout, writes, layout, rows: records.data?.rows ?? [] };

  // The map itself: made once the saved layout is known, at its centre and zoom.
  // biome-ignore lint/correctness/useExhaustiveDependencies: made once; the layout it opens at is read then, later moves are the map's own
  useEffect(() => {
    if (!saved.ready || frame.current === null || map.current !== null) return;
    const created = L.map(frame.current, {
      center: [layout.center.lat, layout.center.lng],
      zoom: layout.zoom,
      worldCopyJump: true,
      keyboard: true,
    });
    map.current = created;
    markers.current = L.layerGroup().addTo(created);
    let loaded = 0;
    let failed = 0;
    void studioConfig().then((config) => {
      if (map.current !== created) return;
      const tiles = L.tileLayer(config.mapTilesUrl ?? OSM_TILES, {
        maxZoom: 19,
        attribution: config.mapTilesUrl === undefined ? OSM_ATTRIBUTION : "",
      });
      tiles.on("tileload", () => {
        loaded += 1;
        setTilesFailed(false);
      });
      tiles.on("tileerror", () => {
        failed += 1;
        if (loaded === 0 && failed > 0) setTilesFailed(true);
      });
      tiles.addTo(created);
    });
    let timer: ReturnType<typeof setTimeout> | null = null;
    const settle = () => {
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(() => {
        const box = created.getBounds();
        setBounds({ west: box.getWest(), south: box.getSouth(), east: box.getEast(), north: box.getNorth() });
        const center = created.getCenter();
        const zoom = created.getZoom();
        const previous = latest.current.layout;
        if (
          Math.abs(previous.center.lat - center.lat) > 1e-6 ||
          Math.abs(previous.center.lng - center.lng) > 1e-6 ||
          previous.zoom !== zoom
        ) {
          latest.current.setLayout((current) => ({ ...current, center: { lat: center.lat, lng: center.lng }, zoom }));
        }
        setViewport((count) => count + 1);
      }, MOVE_SETTLE_MS);
    };
    created.on("moveend", settle);
    created.on("zoomend", () => setViewport((count) => count + 1));
    const box = created.getBounds();
    setBounds({ west: box.getWest(), south: box.getSouth(), east: box.getEast(), north: box.getNorth() });
    const resize = new ResizeObserver(() => created.invalidateSize());
    resize.observe(frame.current);
    const canvas = frame.current;
    const touch = () => {
      touched.current += 1;
    };
    for (const kind of ["pointerdown", "wheel", "keydown"]) canvas.addEventListener(kind, touch);
    return () => {
      for (const kind of ["pointerdown", "wheel", "keydown"]) canvas.removeEventListener(kind, touch);
      if (timer !== null) clearTimeout(timer);
      resize.disconnect();
      created.remove();
      map.current = null;
      markers.current = null;
    };
  }, [saved.ready]);

  /** Moves the map to the records' area (the first VIEW_LIMIT of them that match the view's filter). */
  const fitToRecords = async () => {
    const current = map.current;
    const point = layout.point;
    if (current === null || point === null) return;
    setFitting(true);
    // A user who moved the map meanwhile (pointer, wheel or keys) keeps their place.
    const asked = touched.current;
    try {
      const query = new URLSearchParams({ fields: point, limit: String(VIEW_LIMIT), count: "none" });
      const notEmpty = { [point]: { notNull: true } };
      query.set("filter", JSON.stringify(own === null ? notEmpty : { and: [notEmpty, own] }));
      const page = await api.request<RowsPage>("GET", `/rest/db/${encodeURIComponent(table.name)}`, { query });
      const area = pointsBounds(page.rows.map((row) => row[point]).filter(isPoint));
      if (map.current !== current || area === null) return;
      if (touched.current !== asked) return;
      current.fitBounds(
        [
          [area.south, area.west],
          [area.north, area.east],
        ],
        { padding: [32, 32], maxZoom: 15 },
      );
    } catch {
      // The map stays where it is; the records' own request reports what is wrong.
    } finally {
      setFitting(false);
    }
  };

  // A map never moved in this view (at the world's default) opens on its records' area.
  const fitted = useRef(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: checked once the map, the layout and the records' bounds are there; the layout it reads is the saved one
  useEffect(() => {
    if (map.current === null || layout.point === null || fitted.current) return;
    fitted.current = true;
    const atDefault =
      layout.zoom === DEFAULT_ZOOM &&
      layout.center.lat === DEFAULT_CENTER.lat &&
      layout.center.lng === DEFAULT_CENTER.lng;
    if (atDefault) void fitToRecords();
  }, [saved.ready, layout.point, bounds !== null]);

  // Another saved view of this kind opened: go to its place.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only another view moves the map; its own moves are saved into the layout, not followed
  useEffect(() => {
    const current = map.current;
    if (current === null) return;
    const center = current.getCenter();
    if (
      Math.abs(center.lat - layout.center.lat) > 1e-6 ||
      Math.abs(center.lng - layout.center.lng) > 1e-6 ||
      current.getZoom() !== layout.zoom
    ) {
      current.setView([layout.center.lat, layout.center.lng], layout.zoom);
    }
  }, [saved.current?.id]);

  // The markers, clustered where they crowd.
  // biome-ignore lint/correctness/useExhaustiveDependencies: viewport counts the map's moves and zooms: clusters are made in the map's pixels
  useEffect(() => {
    const current = map.current;
    const group = markers.current;
    if (current === null || group === null || layout.point === null) return;
    group.clearLayers();
    const point = layout.point;
    const placed = (records.data?.rows ?? []).flatMap((row) => {
      const value = row[point];
      if (!isPoint(value)) return [];
      const pixel = current.latLngToLayerPoint([value.y, value.x]);
      return [{ item: row, x: pixel.x, y: pixel.y }];
    });
    for (const cluster of clusterMarkers(placed)) {
      if (cluster.items.length === 1) {
        const row = cluster.items[0] as RecordRow;
        const value = row[point] as { x: number; y: number };
        const label = labelOf(row, layout.display, key);
        const marker = L.marker([value.y, value.x], {
          icon: L.divIcon({ className: "map-marker", iconSize: [18, 18], html: "" }),
          draggable: writable,
          keyboard: true,
          title: label,
          alt: label,
        });
        marker.on("click", () => setEditing(row));
        marker.on("dragend", () => {
          const place = marker.getLatLng();
          const data = pointPatch(point, place.lat, ((((place.lng + 180) % 360) + 360) % 360) - 180);
          latest.current.writes.patch.mutate({ id: row[key], data, before: { [point]: row[point] } });
        });
        marker.addTo(group);
        const element = marker.getElement();
        element?.setAttribute("role", "button");
        element?.setAttribute("aria-label", label);
        element?.addEventListener("keydown", (event) => {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            setEditing(row);
          }
        });
      } else {
        const where = current.layerPointToLatLng([cluster.x, cluster.y]);
        const size = cluster.items.length < 10 ? 28 : cluster.items.length < 100 ? 34 : 40;
        const label = `${cluster.items.length} records`;
        const marker = L.marker(where, {
          icon: L.divIcon({
            className: "map-marker map-cluster",
            iconSize: [size, size],
            html: String(cluster.items.length),
          }),
          keyboard: true,
          title: label,
        });
        const points = cluster.items.map((row) => row[point] as { x: number; y: number });
        marker.on("click", () =>
          current.fitBounds(L.latLngBounds(points.map((value) => [value.y, value.x] as [number, number])).pad(0.3), {
            maxZoom: current.getZoom() + 3,
          }),
        );
        marker.addTo(group);
        const element = marker.getElement();
        element?.setAttribute("role", "button");
        element?.setAttribute("aria-label", label);
      }
    }
  }, [records.data, layout.point, layout.display, key, writable, viewport]);

  const patch = (change: Partial<typeof layout>) => setLayout((current) => ({ ...current, ...change }));
  const count = records.data?.rows.length ?? 0;

  return (
    <section className="grid-area">
      <ViewToolbar label="Map tools" saved={saved} live={live} truncated={records.data?.truncated ?? false}>
        <FieldSelect
          label="Geo-point field"
          schema={table.schema}
          types={POINT_TYPES}
          value={layout.point}
          onChange={(point) => patch({ point })}
        />
        <DisplayFieldSelect schema={table.schema} value={layout.display} onChange={(display) => patch({ display })} />
        <ViewFilter schema={table.schema} filter={layout.filter} onChange={(filter) => patch({ filter })} />
        <button type="button" onClick={() => void fitToRecords()} disabled={layout.point === null || fitting}>
          Fit to records
        </button>
        <span className="muted small" role="status" aria-label="Records on the map">
          {records.isFetching
            ? "Loading…"
            : `${count.toLocaleString("en")} ${count === 1 ? "record" : "records"} in view`}
        </span>
      </ViewToolbar>
      <ErrorMessage error={saved.viewsError} />
      <ErrorMessage error={records.error} />
      <ErrorMessage error={writes.error} onDismiss={writes.reset} />
      {layout.point === null && saved.ready ? (
        <p className="view-empty muted">This table has no geo-point column: add one to see its records on a map.</p>
      ) : (
        <div className="view-body">
          <div className="map-wrap">
            <div role="region" aria-label="Map" className="map-canvas" ref={frame} />
            {tilesFailed && (
              <p className="map-notice" role="status">
                Map tiles could not be loaded (no network, or the tile server is unreachable). Markers still show.
              </p>
            )}
          </div>
        </div>
      )}
      {editing !== null && (
        <RecordEditor table={table} row={editing} writes={writes} onClose={() => setEditing(null)} />
      )}
    </section>
  );
}
