import "../../grid/grid.css";
import "../viewswitch.css";
import type { ReactNode } from "react";
import type { Column, FieldType } from "../../../shared/api";
import { Popover } from "../../../shared/ui/Popover";
import { columnTitle, countConditions, FilterBuilder, type FilterBuilderProps, LIVE_TEXT } from "../../grid";
import { SAVE_TEXT, type ViewLayout, ViewMenu, viewMenuProps } from "../../views";
import { type LiveState, VIEW_LIMIT } from "../useViewRecords";
import { DATE_TYPES } from "../viewConfig";

/** A `<select>` of the table's columns of some types (a combobox named by `label`). */
export function FieldSelect(props: {
  label: string;
  schema: readonly Column[];
  types: readonly FieldType[] | null;
  value: string | null;
  onChange: (value: string | null) => void;
  /** The option meaning "none" (an optional field), when allowed. */
  noneLabel?: string;
}) {
  const { label, schema, types, value, onChange, noneLabel } = props;
  const options = schema.filter((column) => types === null || types.includes(column.dataType));
  return (
    <label className="inline-label">
      {label}
      <select
        aria-label={label}
        value={value ?? ""}
        onChange={(event) => onChange(event.target.value === "" ? null : event.target.value)}
      >
        {(noneLabel !== undefined || value === null) && <option value="">{noneLabel ?? "(choose)"}</option>}
        {options.map((column) => (
          <option key={column.name} value={column.name}>
            {columnTitle(column)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The field whose value names a record on the view (its label). */
export function DisplayFieldSelect(props: {
  schema: readonly Column[];
  value: string | null;
  onChange: (value: string | null) => void;
}) {
  return <FieldSelect label="Display field" types={null} {...props} />;
}

/** Where a record sits in time: its start date field and, optionally, its end. */
export function DateFieldSelects(props: {
  schema: readonly Column[];
  start: string | null;
  end: string | null;
  onChange: (change: { start: string | null } | { end: string | null }) => void;
}) {
  const { schema, start, end, onChange } = props;
  return (
    <>
      <FieldSelect
        label="Start date field"
        schema={schema}
        types={DATE_TYPES}
        value={start}
        onChange={(value) => onChange({ start: value })}
      />
      <FieldSelect
        label="End date field"
        schema={schema}
        types={DATE_TYPES}
        value={end}
        noneLabel="(none)"
        onChange={(value) => onChange({ end: value })}
      />
    </>
  );
}

/** The view's own filter: the grid's filter builder in a popover ("Filter"). */
export function ViewFilter({ schema, filter, onChange }: FilterBuilderProps) {
  const conditions = countConditions(filter);
  return (
    <Popover label="Filter" content={conditions === 0 ? "Filter" : `Filter (${conditions})`} className="wide">
      {() => <FilterBuilder schema={schema} filter={filter} onChange={onChange} />}
    </Popover>
  );
}

/** A view's toolbar: its saved views menu, then its own controls, the filter, and the save state. */
export function ViewToolbar(props: {
  label: string;
  /** The saved view this toolbar lists, switches and saves. */
  saved: Pick<ViewLayout<unknown>, "views" | "current" | "canWrite" | "actions" | "saveState" | "saveError">;
  live: LiveState;
  /** More records matched than the view shows: say so, and how to see the rest. */
  truncated?: boolean;
  children: ReactNode;
}) {
  return (
    <div role="toolbar" aria-label={props.label} className="grid-toolbar view-toolbar">
      <ViewMenu {...viewMenuProps(props.saved)} />
      {props.children}
      {props.truncated === true && (
        <span role="status" aria-label="Not every record shown" className="truncated-state">
          Showing the first {VIEW_LIMIT.toLocaleString("en")} records: narrow the range or the filter to see the rest
        </span>
      )}
      <span role="status" className="save-state" title={props.saved.saveError ?? undefined}>
        {SAVE_TEXT[props.saved.saveState]}
      </span>
      <span className="live-state muted small" title="Live updates">
        {LIVE_TEXT[props.live]}
      </span>
    </div>
  );
}
