import { useTables } from "../api/tableQueries";
import { tableLabel } from "../matchTables";

interface Props {
  tabs: readonly string[];
  activeTable: string | null;
  onSelect: (table: string) => void;
  onClose: (table: string) => void;
}

export function TableTabs({ tabs, activeTable, onSelect, onClose }: Props) {
  const tables = useTables();
  const labelOf = (name: string) => {
    const table = tables.data?.find((candidate) => candidate.name === name);
    return table ? tableLabel(table) : name;
  };

  return (
    <div role="tablist" aria-label="Open tables" className="tabs">
      {tabs.map((name) => (
        <div key={name} className="tab" data-active={name === activeTable}>
          <button type="button" role="tab" aria-selected={name === activeTable} onClick={() => onSelect(name)}>
            {labelOf(name)}
          </button>
          <button
            type="button"
            className="tab-close"
            aria-label={`Close ${labelOf(name)}`}
            onClick={() => onClose(name)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
