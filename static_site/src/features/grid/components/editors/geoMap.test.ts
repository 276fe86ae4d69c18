import { describe, expect, it } from "vitest";
import { OSM_TILES_URL, pointFromLatLng, tilesUrlOf } from "./geoMap";

describe("geo-point map picker", () => {
  it("uses the configured tiles, else OpenStreetMap's", () => {
    expect(tilesUrlOf({ apiUrl: "x", mapTilesUrl: "https://tiles.example/{z}/{x}/{y}.png" })).toBe(
      "https://tiles.example/{z}/{x}/{y}.png",
    );
    expect(tilesUrlOf({ apiUrl: "x" })).toBe(OSM_TILES_URL);
    expect(tilesUrlOf({ apiUrl: "x", mapTilesUrl: " " })).toBe(OSM_TILES_URL);
    expect(tilesUrlOf(null)).toBe(OSM_TILES_URL);
  });

  it("turns a clicked place into x = longitude, y = latitude", () => {
    expect(pointFromLatLng(48.8566, 2.3522)).toEqual({ x: 2.3522, y: 48.8566 });
    expect(pointFromLatLng(10, 190)).toEqual({ x: -170, y: 10 });
    expect(pointFromLatLng(10, -190)).toEqual({ x: 170, y: 10 });
    expect(pointFromLatLng(95, 180)).toEqual({ x: 180, y: 90 });
    expect(pointFromLatLng(1.23456789, 3.000000449)).toEqual({ x: 3, y: 1.234568 });
  });
});
