import type { Column } from "../../../../shared/api";
import {
  type Combinator,
  emptyGroup,
  type FilterGroup,
  type FilterNode,
  newCondition,
  updateNode,
} from "../../filters/filterModel";
import { FilterConditionRow } from "./FilterConditionRow";

const MAX_DEPTH = 3;

/** A filter being edited: the table's columns, the filter, and where its changes go. */
export interface FilterBuilderProps {
  schema: readonly Column[];
  filter: FilterGroup;
  onChange: (filter: FilterGroup) => void;
}

/** The filter as nested and/or groups of conditions; every change applies at once (on the server). */
export function FilterBuilder({ schema, filter, onChange }: FilterBuilderProps) {
  const edit = (id: string, change: (node: FilterNode) => FilterNode | null) =>
    onChange(updateNode(filter, id, change));
  return (
    <div className="filter-builder">
      <GroupEditor group={filter} schema={schema} depth={0} edit={edit} />
      {filter.children.length > 0 && (
        <button type="button" className="link-button" onClick={() => onChange(emptyGroup())}>
          Clear filter
        </button>
      )}
    </div>
  );
}

interface GroupEditorProps {
  group: FilterGroup;
  schema: readonly Column[];
  depth: number;
  edit: (id: string, change: (node: FilterNode) => FilterNode | null) => void;
}

function GroupEditor({ group, schema, depth, edit }: GroupEditorProps) {
  const first = schema[0];
  const add = (node: FilterNode) =>
    edit(group.id, (current) => ({
      ...(current as FilterGroup),
      children: [...(current as FilterGroup).children, node],
    }));
  const setCombinator = (combinator: Combinator) =>
    edit(group.id, (current) => ({ ...current, combinator }) as FilterGroup);

  return (
    <div
      role="group"
      aria-label={depth === 0 ? "Filter conditions" : "Condition group"}
      className="filter-group"
      data-depth={depth}
    >
      {group.children.length > 1 && (
        <div role="radiogroup" aria-label="Match" className="combinator">
          {(["and", "or"] as const).map((combinator) => (
            <label key={combinator}>
              <input
                type="radio"
                name={`combinator-${group.id}`}
                value={combinator}
                checked={group.combinator === combinator}
                onChange={() => setCombinator(combinator)}
              />
              {combinator}
            </label>
          ))}
        </div>
      )}
      {group.children.length === 0 && depth === 0 && <p className="muted small">No conditions: every record shows.</p>}
      {group.children.map((child) =>
        child.kind === "condition" ? (
          <FilterConditionRow key={child.id} condition={child} schema={schema} edit={edit} />
        ) : (
          <GroupEditor key={child.id} group={child} schema={schema} depth={depth + 1} edit={edit} />
        ),
      )}
      <div className="filter-actions">
        <button type="button" disabled={first === undefined} onClick={() => first && add(newCondition(first))}>
          Add condition
        </button>
        {depth < MAX_DEPTH - 1 && (
          <button
            type="button"
            disabled={first === undefined}
            onClick={() =>
              first &&
              add({ ...emptyGroup(group.combinator === "and" ? "or" : "and"), children: [newCondition(first)] })
            }
          >
            Add group
          </button>
        )}
        {depth > 0 && (
          <button type="button" className="link-button" onClick={() => edit(group.id, () => null)}>
            Remove group
          </button>
        )}
      </div>
    </div>
  );
}
