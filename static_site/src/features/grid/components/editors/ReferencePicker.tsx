import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { queryKeys, type RecordRow, type RowsPage, type TableDocument, useApi } from "../../../../shared/api";
import { useDebouncedValue } from "../../../../shared/hooks/useDebouncedValue";
import { displayColumnOf, type Field, rowLabel } from "../../editing/fields";

interface Props {
  field: Field;
  label: string;
  value: unknown;
  onChange: (value: unknown) => void;
  autoFocus: boolean;
}

/** Picks a row of the referenced table by its display column; the search runs on the server (`search=`). */
export function ReferencePicker({ field, label, value, onChange, autoFocus }: Props) {
  const api = useApi();
  const target = field.foreignKey?.table ?? "";
  const targetKey = field.foreignKey?.column.name ?? "id";
  const [search, setSearch] = useState("");
  const settled = useDebouncedValue(search, 250);

  const schema = useQuery({
    queryKey: queryKeys.table(target),
    queryFn: ({ signal }) =>
      api.request<TableDocument>("GET", `/rest/db/tables/${encodeURIComponent(target)}`, { signal }),
    enabled: target !== "",
    staleTime: 60_000,
  });
  const displayColumn = displayColumnOf(field, schema.data?.schema);
  const rows = useQuery({
    queryKey: ["reference-picker", target, settled],
    queryFn: ({ signal }) => {
      const query = new URLSearchParams({ limit: "50", count: "none" });
      if (settled.trim() !== "") query.set("search", settled.trim());
      return api.request<RowsPage>("GET", `/rest/db/${encodeURIComponent(target)}`, { query, signal });
    },
    enabled: target !== "",
    staleTime: 10_000,
  });

  const label_ = (row: RecordRow) => rowLabel(row, displayColumn, row[targetKey]);
  return (
    <div className="reference-picker" role="group" aria-label={label}>
      <input
        type="search"
        aria-label={`Search ${target}`}
        placeholder={`Search ${target}…`}
        autoFocus={autoFocus}
        value={search}
        onChange={(event) => setSearch(event.target.value)}
      />
      {rows.error && (
        <p role="alert" className="field-error">
          {rows.error.message}
        </p>
      )}
      {/* biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: a list box of records (WAI-ARIA listbox); each option holds a button so Tab reaches it */}
      <ul className="reference-options" role="listbox" aria-label={`Records of ${target}`}>
        {(rows.data?.rows ?? []).map((row) => {
          const id = row[targetKey];
          const selected = String(id) === String(value);
          return (
            // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole lint/a11y/useFocusableInteractive: the option's button takes the focus
            <li key={String(id)} role="option" aria-selected={selected}>
              <button type="button" className={selected ? "selected" : undefined} onClick={() => onChange(id)}>
                {label_(row)}
              </button>
            </li>
          );
        })}
        {rows.data?.rows.length === 0 && <li className="muted">No records</li>}
      </ul>
      {value !== null && value !== undefined && (
        <button type="button" className="link-button" onClick={() => onChange(null)}>
          Clear reference
        </button>
      )}
    </div>
  );
}
