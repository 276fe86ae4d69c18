/** The map's layout (its view's config), the server filter of the visible area, and marker clustering. */
import type { Column } from "../../shared/api";
import { type FilterGroup, readFilterTree, type WhereFilter, writeFilterTree } from "../grid";
import { asObject, displayDefault, fieldOf, finiteOr, firstOf, POINT_TYPES } from "../viewswitch";

export const OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
export const DEFAULT_CENTER = { lat: 30, lng: 0 };
export const DEFAULT_ZOOM = 2;

export interface MapLayout {
  point: string | null;
  display: string | null;
  center: { lat: number; lng: number };
  zoom: number;
  filter: FilterGroup;
}

export function readMap(config: unknown, schema: readonly Column[]): MapLayout {
  const raw = asObject(config);
  const center = asObject(raw.center);
  return {
    point: fieldOf(raw.point, schema, POINT_TYPES) ?? firstOf(schema, POINT_TYPES),
    display: fieldOf(raw.display, schema, null) ?? displayDefault(schema),
    center: {
      lat: Math.max(-85, Math.min(85, finiteOr(center.lat, DEFAULT_CENTER.lat))),
      lng: Math.max(-180, Math.min(180, finiteOr(center.lng, DEFAULT_CENTER.lng))),
    },
    zoom: Math.max(0, Math.min(19, Math.round(finiteOr(raw.zoom, DEFAULT_ZOOM)))),
    filter: readFilterTree(raw.filter, schema),
  };
}

export function writeMap(layout: MapLayout): Record<string, unknown> {
  const round = (value: number) => Math.round(value * 1e6) / 1e6;
  return {
    version: 1,
    point: layout.point,
    display: layout.display,
    center: { lat: round(layout.center.lat), lng: round(layout.center.lng) },
    zoom: layout.zoom,
    filter: writeFilterTree(layout.filter),
  };
}

export const mapCodec = { read: readMap, write: writeMap };

export interface Bounds {
  west: number;
  south: number;
  east: number;
  north: number;
}

/**
 * The visible area as the server's `withinBox` (x = longitude, y = latitude). A map panned across the
 * antimeridian shows two boxes (or-ed); one wider than the world is the whole world. The view's own
 * filter is and-ed on.
 */
export function boundsFilter(column: string, bounds: Bounds, own: WhereFilter | null = null): WhereFilter {
  const south = Math.max(-90, bounds.south);
  const north = Math.min(90, bounds.north);
  const box = (minX: number, maxX: number): WhereFilter => ({
    [column]: { withinBox: { minX: fix(minX), minY: fix(south), maxX: fix(maxX), maxY: fix(north) } },
  });
  let area: WhereFilter;
  if (bounds.east - bounds.west >= 360) area = box(-180, 180);
  else {
    const west = ((((bounds.west + 180) % 360) + 360) % 360) - 180;
    const east = west + (bounds.east - bounds.west);
    area = east <= 180 ? box(west, east) : { or: [box(west, 180), box(-180, east - 360)] };
  }
  return own === null ? area : { and: [area, own] };
}

const fix = (value: number) => Math.round(value * 1e7) / 1e7;

/** The smallest area holding every point (x = longitude, y = latitude); null when there are none. */
export function pointsBounds(points: readonly { x: number; y: number }[]): Bounds | null {
  if (points.length === 0) return null;
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  for (const { x, y } of points) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    west = Math.min(west, x);
    east = Math.max(east, x);
    south = Math.min(south, y);
    north = Math.max(north, y);
  }
  return Number.isFinite(west) ? { west, south, east, north } : null;
}

export interface Placed<T> {
  item: T;
  /** Pixel position on the map. */
  x: number;
  y: number;
}

export interface Cluster<T> {
  items: T[];
  x: number;
  y: number;
}

/**
 * Grid clustering: markers in the same `cell`-pixel square become one cluster, at their mean position.
 * Squares with one marker stay single markers.
 */
export function clusterMarkers<T>(placed: readonly Placed<T>[], cell = 56): Cluster<T>[] {
  const cells = new Map<string, Placed<T>[]>();
  for (const point of placed) {
    const key = `${Math.floor(point.x / cell)}:${Math.floor(point.y / cell)}`;
    const list = cells.get(key) ?? [];
    list.push(point);
    cells.set(key, list);
  }
  return [...cells.values()].map((members) => ({
    items: members.map((member) => member.item),
    x: members.reduce((sum, member) => sum + member.x, 0) / members.length,
    y: members.reduce((sum, member) => sum + member.y, 0) / members.length,
  }));
}

/** The geo-point the API stores for a marker dropped at a place. */
export function pointPatch(column: string, lat: number, lng: number): Record<string, { x: number; y: number }> {
  return { [column]: { x: fix(lng), y: fix(lat) } };
}
