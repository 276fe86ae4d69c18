import type { Column } from "../../../../shared/api";
import { columnTitle } from "../../columns";
import { type GridLayout, setHidden, visibleColumns } from "../../layout";

/** Show or hide each column, and freeze the leading visible columns up to one of them. */
export function ColumnMenu({
  schema,
  layout,
  onChange,
}: {
  schema: readonly Column[];
  layout: GridLayout;
  onChange: (change: (layout: GridLayout) => GridLayout) => void;
}) {
  const byName = new Map(schema.map((column) => [column.name, column]));
  const visible = visibleColumns(layout, schema);
  return (
    <div className="column-menu">
      <fieldset>
        <legend>Shown columns</legend>
        {layout.order.map((name) => {
          const column = byName.get(name);
          if (column === undefined) return null;
          return (
            <label key={name} className="check-row">
              <input
                type="checkbox"
                checked={!layout.hidden.includes(name)}
                onChange={(event) =>
                  onChange((current) => clampFrozen(setHidden(current, name, !event.target.checked), schema))
                }
              />
              {columnTitle(column)}
            </label>
          );
        })}
      </fieldset>
      <label className="stacked">
        Freeze up to
        <select
          aria-label="Freeze up to"
          value={String(Math.min(layout.frozen, visible.length))}
          onChange={(event) => onChange((current) => ({ ...current, frozen: Number(event.target.value) }))}
        >
          <option value="0">No frozen columns</option>
          {visible.map((column, index) => (
            <option key={column.name} value={String(index + 1)}>
              {columnTitle(column)}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

function clampFrozen(layout: GridLayout, schema: readonly Column[]): GridLayout {
  const count = visibleColumns(layout, schema).length;
  return layout.frozen > count ? { ...layout, frozen: count } : layout;
}
