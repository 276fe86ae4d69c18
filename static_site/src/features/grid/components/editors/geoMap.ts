/** The map picker's pure parts: where tiles come from, and a clicked place as a geo-point. */
import type { GeoPoint } from "../../editing/fields";

export const OSM_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
export const OSM_ATTRIBUTION =
  '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';

/** `mapTilesUrl` from `/config.json` when set (read defensively: older configs lack it), else OpenStreetMap's. */
export function tilesUrlOf(config: unknown): string {
  const url =
    typeof config === "object" && config !== null ? (config as { mapTilesUrl?: unknown }).mapTilesUrl : undefined;
  return typeof url === "string" && url.trim() !== "" ? url.trim() : OSM_TILES_URL;
}

const round = (value: number) => Math.round(value * 1e6) / 1e6;

/** A latitude/longitude from the map as a geo-point: x = longitude (wrapped into -180..180), y = latitude (clamped). */
export function pointFromLatLng(lat: number, lng: number): GeoPoint {
  const wrapped = ((((lng + 180) % 360) + 360) % 360) - 180;
  return { x: round(wrapped === -180 && lng > 0 ? 180 : wrapped), y: round(Math.max(-90, Math.min(90, lat))) };
}
