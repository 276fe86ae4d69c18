import { describe, expect, it } from "vitest";
import { testColumn } from "../../shared/testing/columns";
import { boundsFilter, clusterMarkers, pointPatch, pointsBounds, readMap, writeMap } from "./mapLogic";

const col = testColumn;
const schema = [col("id", "text"), col("name", "text"), col("hq", "geo-point")];

describe("boundsFilter", () => {
  it("is a withinBox of the visible area, x = longitude, y = latitude", () => {
    expect(boundsFilter("hq", { west: -10.5, south: 40, east: 20, north: 55.25 })).toEqual({
      hq: { withinBox: { minX: -10.5, minY: 40, maxX: 20, maxY: 55.25 } },
    });
  });

  it("splits at the antimeridian, covers the world when wider, clamps latitudes", () => {
    expect(boundsFilter("hq", { west: 170, south: -10, east: 190, north: 10 })).toEqual({
      or: [
        { hq: { withinBox: { minX: 170, minY: -10, maxX: 180, maxY: 10 } } },
        { hq: { withinBox: { minX: -180, minY: -10, maxX: -170, maxY: 10 } } },
      ],
    });
    expect(boundsFilter("hq", { west: -400, south: -100, east: 400, north: 100 })).toEqual({
      hq: { withinBox: { minX: -180, minY: -90, maxX: 180, maxY: 90 } },
    });
    expect(boundsFilter("hq", { west: -190, south: 0, east: -170, north: 1 })).toEqual({
      or: [
        { hq: { withinBox: { minX: 170, minY: 0, maxX: 180, maxY: 1 } } },
        { hq: { withinBox: { minX: -180, minY: 0, maxX: -170, maxY: 1 } } },
      ],
    });
  });

  it("ands on the view's filter", () => {
    expect(boundsFilter("hq", { west: 0, south: 0, east: 1, north: 1 }, { name: "x" })).toEqual({
      and: [{ hq: { withinBox: { minX: 0, minY: 0, maxX: 1, maxY: 1 } } }, { name: "x" }],
    });
  });
});

describe("markers", () => {
  it("clusters markers in the same cell", () => {
    const clusters = clusterMarkers(
      [
        { item: "a", x: 10, y: 10 },
        { item: "b", x: 20, y: 30 },
        { item: "c", x: 300, y: 10 },
      ],
      56,
    );
    expect(clusters).toEqual([
      { items: ["a", "b"], x: 15, y: 20 },
      { items: ["c"], x: 300, y: 10 },
    ]);
  });

  it("a dropped marker is {x: lng, y: lat}", () => {
    expect(pointPatch("hq", 48.8566, 2.3522)).toEqual({ hq: { x: 2.3522, y: 48.8566 } });
  });

  it("config round-trips centre, zoom and fields", () => {
    expect(readMap({}, schema)).toMatchObject({ point: "hq", display: "name", zoom: 2 });
    const layout = { ...readMap({}, schema), center: { lat: 51.5, lng: -0.12 }, zoom: 9 };
    expect(readMap(JSON.parse(JSON.stringify(writeMap(layout))), schema)).toMatchObject({
      point: "hq",
      center: { lat: 51.5, lng: -0.12 },
      zoom: 9,
    });
    expect(readMap({ point: "name", zoom: 99, center: { lat: "x" } }, schema)).toMatchObject({
      point: "hq",
      zoom: 19,
      center: { lat: 30, lng: 0 },
    });
  });
});

describe("pointsBounds", () => {
  it("is the smallest box around the points, longitude as x", () => {
    expect(
      pointsBounds([
        { x: 2.35, y: 48.85 },
        { x: -0.13, y: 51.51 },
        { x: 13.4, y: 52.52 },
      ]),
    ).toEqual({ west: -0.13, south: 48.85, east: 13.4, north: 52.52 });
  });

  it("is one point's own place for one point, and null for none", () => {
    expect(pointsBounds([{ x: 5, y: 6 }])).toEqual({ west: 5, south: 6, east: 5, north: 6 });
    expect(pointsBounds([])).toBeNull();
    expect(pointsBounds([{ x: Number.NaN, y: 1 }])).toBeNull();
  });
});
