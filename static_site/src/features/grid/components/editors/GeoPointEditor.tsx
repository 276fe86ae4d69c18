import { lazy, Suspense } from "react";
import { type GeoPoint, isPoint } from "../../editing/fields";

// Leaflet (and its CSS) loads only when a geo-point editor opens.
const GeoMapPicker = lazy(() => import("./GeoMapPicker"));

interface Props {
  label: string;
  value: unknown;
  onChange: (value: unknown) => void;
  autoFocus?: boolean | undefined;
}

/** A geo-point ({x: longitude, y: latitude}): two number inputs and a map where a click or a drag sets the point. */
export function GeoPointEditor({ label, value, onChange, autoFocus }: Props) {
  const point = isPoint(value) ? value : null;
  const set = (axis: "x" | "y", text: string) => {
    const number = text === "" ? null : Number(text);
    const next = { x: point?.x ?? 0, y: point?.y ?? 0, [axis]: number ?? 0 };
    onChange(text === "" && (axis === "x" ? point?.y : point?.x) === undefined ? null : next);
  };
  const pick = (picked: GeoPoint) => onChange(picked);
  return (
    <div className="geo-point-editor" role="group" aria-label={label}>
      <span className="point-inputs">
        <label>
          Longitude (x)
          <input
            type="number"
            step="any"
            min={-180}
            max={180}
            autoFocus={autoFocus}
            value={point?.x ?? ""}
            onChange={(event) => set("x", event.target.value)}
          />
        </label>
        <label>
          Latitude (y)
          <input
            type="number"
            step="any"
            min={-90}
            max={90}
            value={point?.y ?? ""}
            onChange={(event) => set("y", event.target.value)}
          />
        </label>
        {point !== null && (
          <button type="button" className="link-button" onClick={() => onChange(null)}>
            Clear point
          </button>
        )}
      </span>
      <Suspense fallback={<div className="geo-map geo-map-loading">Loading the map…</div>}>
        <GeoMapPicker label={label} point={point} onPick={pick} />
      </Suspense>
    </div>
  );
}
