import "leaflet/dist/leaflet.css";
import L from "leaflet";
import { useEffect, useRef, useState } from "react";
import { studioConfig } from "../../../../shared/session/studioSession";
import type { GeoPoint } from "../../editing/fields";
import { OSM_ATTRIBUTION, OSM_TILES_URL, pointFromLatLng, tilesUrlOf } from "./geoMap";

const PIN = L.divIcon({ className: "geo-pin", html: "<span></span>", iconSize: [18, 18], iconAnchor: [9, 9] });

interface Props {
  label: string;
  point: GeoPoint | null;
  onPick: (point: GeoPoint) => void;
}

/** A small Leaflet map: a click sets the point, the marker drags it; a notice when no tiles load (offline). */
export default function GeoMapPicker({ label, point, onPick }: Props) {
  const element = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const marker = useRef<L.Marker | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  const [tilesFailed, setTilesFailed] = useState(false);

  const place = (next: GeoPoint) => {
    const instance = map.current;
    if (!instance) return;
    const at = L.latLng(next.y, next.x);
    if (marker.current) marker.current.setLatLng(at);
    else {
      marker.current = L.marker(at, {
        draggable: true,
        icon: PIN,
        keyboard: false,
        title: "Drag to move the point",
      }).addTo(instance);
      marker.current.on("dragend", () => {
        const moved = marker.current?.getLatLng();
        if (moved) pick.current(pointFromLatLng(moved.lat, moved.lng));
      });
    }
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: the map is made once; later points move the marker (below)
  useEffect(() => {
    const container = element.current;
    if (!container) return;
    const instance = L.map(container, { attributionControl: true, worldCopyJump: true });
    instance.attributionControl.setPrefix(false);
    map.current = instance;
    if (point) instance.setView([point.y, point.x], 10);
    else instance.setView([20, 0], 1);
    let loaded = 0;
    let cancelled = false;
    void studioConfig()
      .then(tilesUrlOf, () => OSM_TILES_URL)
      .then((url) => {
        if (cancelled) return;
        L.tileLayer(url, { maxZoom: 19, attribution: url === OSM_TILES_URL ? OSM_ATTRIBUTION : "" })
          .on("tileload", () => {
            loaded += 1;
            setTilesFailed(false);
          })
          .on("tileerror", () => {
            if (loaded === 0) setTilesFailed(true);
          })
          .addTo(instance);
      });
    instance.on("click", (event: L.LeafletMouseEvent) => {
      const picked = pointFromLatLng(event.latlng.lat, event.latlng.lng);
      place(picked);
      pick.current(picked);
    });
    if (point) place(point);
    // The editor's overlay may size itself after the map is made.
    const resize = new ResizeObserver(() => instance.invalidateSize());
    resize.observe(container);
    return () => {
      cancelled = true;
      resize.disconnect();
      instance.remove();
      map.current = null;
      marker.current = null;
    };
  }, []);

  // A point typed in the inputs moves the marker, and the map follows it when it leaves the view.
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed by the point's value, not by its object
  useEffect(() => {
    const instance = map.current;
    if (!instance) return;
    if (point === null) {
      marker.current?.remove();
      marker.current = null;
      return;
    }
    if (!Number.isFinite(point.x) || !Number.isFinite(point.y)) return;
    place(point);
    const at = L.latLng(point.y, point.x);
    if (!instance.getBounds().contains(at)) instance.panTo(at);
  }, [point?.x, point?.y, point === null]);

  return (
    <div className="geo-map-wrap">
      <div
        ref={element}
        className="geo-map"
        role="application"
        aria-label={`Map for ${label}: click to set the point, drag the marker to move it`}
      />
      {tilesFailed && (
        <p className="geo-map-notice" role="status">
          Map tiles could not be loaded
        </p>
      )}
    </div>
  );
}
