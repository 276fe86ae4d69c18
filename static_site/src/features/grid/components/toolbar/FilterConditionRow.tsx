import type { Column } from "../../../../shared/api";
import { columnTitle } from "../../columns";
import {
  type FilterCondition,
  type FilterNode,
  type FilterOperator,
  filterFamily,
  OPERATOR_LABELS,
  operatorsFor,
  takesList,
  takesValue,
} from "../../filters/filterModel";

interface FilterConditionRowProps {
  condition: FilterCondition;
  schema: readonly Column[];
  edit: (id: string, change: (node: FilterNode) => FilterNode | null) => void;
}

/** One condition: column, operator (those of the column's type), and the value(s) it needs. */
export function FilterConditionRow({ condition, schema, edit }: FilterConditionRowProps) {
  const column = schema.find(({ name }) => name === condition.column) ?? schema[0];
  if (column === undefined) return null;
  const family = filterFamily(column);
  const operators = operatorsFor(column);
  const set = (change: Partial<FilterCondition>) =>
    edit(condition.id, (node) => ({ ...(node as FilterCondition), ...change }));

  const chooseColumn = (name: string) => {
    const next = schema.find((candidate) => candidate.name === name);
    if (next === undefined) return;
    const allowed = operatorsFor(next);
    const operator = allowed.includes(condition.operator) ? condition.operator : (allowed[0] ?? "isNull");
    const keepValue = filterFamily(next) === family;
    set({ column: name, operator, value: keepValue ? condition.value : "", value2: keepValue ? condition.value2 : "" });
  };

  const list = takesList(family, condition.operator);
  const options = column.options ?? [];
  return (
    <div role="group" aria-label="Condition" className="filter-condition">
      <select aria-label="Column" value={column.name} onChange={(event) => chooseColumn(event.target.value)}>
        {schema.map((candidate) => (
          <option key={candidate.name} value={candidate.name}>
            {columnTitle(candidate)}
          </option>
        ))}
      </select>
      <select
        aria-label="Operator"
        value={condition.operator}
        onChange={(event) => set({ operator: event.target.value as FilterOperator })}
      >
        {operators.map((operator) => (
          <option key={operator} value={operator}>
            {OPERATOR_LABELS[operator]}
          </option>
        ))}
      </select>
      {takesValue(condition.operator) &&
        (family === "checkbox" ? (
          <select aria-label="Value" value={condition.value} onChange={(event) => set({ value: event.target.value })}>
            <option value="">—</option>
            <option value="true">checked</option>
            <option value="false">unchecked</option>
          </select>
        ) : (
          <input
            aria-label="Value"
            type={family === "number" && !list ? "number" : "text"}
            title={options.length > 0 ? `Options: ${options.join(", ")}` : undefined}
            placeholder={placeholder(list, family, options)}
            value={condition.value}
            onChange={(event) => set({ value: event.target.value })}
          />
        ))}
      {condition.operator === "between" && (
        <input
          aria-label="Upper value"
          type={family === "number" ? "number" : "text"}
          placeholder={family === "date" ? "2026-12-31" : ""}
          value={condition.value2}
          onChange={(event) => set({ value2: event.target.value })}
        />
      )}
      <button
        type="button"
        className="link-button"
        aria-label="Remove condition"
        onClick={() => edit(condition.id, () => null)}
      >
        ×
      </button>
    </div>
  );
}

/** A hint of what to type: a select's own options, a date's format, a list's commas. */
function placeholder(list: boolean, family: string, options: readonly string[]): string {
  if (options.length > 0) return options.slice(0, list ? 3 : 1).join(", ") + (list ? ", …" : "");
  if (family === "date") return "2026-01-31";
  return list ? "a, b, c" : "";
}
