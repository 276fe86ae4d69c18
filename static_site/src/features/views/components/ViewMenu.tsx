import { type FormEvent, useState } from "react";
import { Popover } from "../../../shared/ui/Popover";
import type { SavedView } from "../api/viewQueries";

export interface ViewMenuProps {
  views: readonly SavedView[];
  current: SavedView | null;
  canWrite: boolean;
  onSelect: (view: SavedView) => void;
  onCreate: (name: string) => void;
  onRename: (name: string) => void;
  onDuplicate: () => void;
  onDelete: () => void;
}

type Mode = { kind: "list" } | { kind: "create" } | { kind: "rename" } | { kind: "delete" };

/** The table's saved views: open one, create, rename, duplicate or delete (this last one asks first). */
export function ViewMenu(props: ViewMenuProps) {
  const { current } = props;
  return (
    <Popover label="Views" role="menu" content={<>☰ {current?.name ?? "Default view"}</>} className="view-menu">
      {(close) => <ViewMenuPanel {...props} close={close} />}
    </Popover>
  );
}

function ViewMenuPanel({
  views,
  current,
  canWrite,
  onSelect,
  onCreate,
  onRename,
  onDuplicate,
  onDelete,
  close,
}: ViewMenuProps & { close: () => void }) {
  const [mode, setMode] = useState<Mode>({ kind: "list" });

  if (mode.kind === "create" || mode.kind === "rename") {
    return (
      <NameForm
        initial={mode.kind === "rename" ? (current?.name ?? "") : ""}
        submitLabel={mode.kind === "rename" ? "Save name" : "Create view"}
        onCancel={() => setMode({ kind: "list" })}
        onSubmit={(name) => {
          if (mode.kind === "rename") onRename(name);
          else onCreate(name);
          close();
        }}
      />
    );
  }
  if (mode.kind === "delete" && current !== null) {
    return (
      <div className="view-confirm" role="group" aria-label="Confirm delete">
        <p>Delete the view “{current.name}”? Its layout is lost; the records stay.</p>
        <button
          type="button"
          className="danger"
          onClick={() => {
            onDelete();
            close();
          }}
        >
          Delete
        </button>
        <button type="button" onClick={() => setMode({ kind: "list" })}>
          Cancel
        </button>
      </div>
    );
  }
  return (
    <>
      {views.length === 0 && <p className="muted small">No saved views yet.</p>}
      {views.map((view) => (
        <button
          key={view.id}
          type="button"
          role="menuitem"
          className="menu-item"
          aria-current={view.id === current?.id ? "true" : undefined}
          onClick={() => {
            onSelect(view);
            close();
          }}
        >
          <span aria-hidden="true">{view.id === current?.id ? "✓ " : "  "}</span>
          {view.name}
        </button>
      ))}
      <hr />
      {canWrite ? (
        <>
          <button type="button" role="menuitem" className="menu-item" onClick={() => setMode({ kind: "create" })}>
            New view
          </button>
          {current !== null && (
            <>
              <button type="button" role="menuitem" className="menu-item" onClick={() => setMode({ kind: "rename" })}>
                Rename view
              </button>
              <button
                type="button"
                role="menuitem"
                className="menu-item"
                onClick={() => {
                  onDuplicate();
                  close();
                }}
              >
                Duplicate view
              </button>
              <button type="button" role="menuitem" className="menu-item" onClick={() => setMode({ kind: "delete" })}>
                Delete view
              </button>
            </>
          )}
        </>
      ) : (
        <p className="muted small">This key is read-only: views cannot be saved.</p>
      )}
    </>
  );
}

function NameForm(props: {
  initial: string;
  submitLabel: string;
  onSubmit: (name: string) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState(props.initial);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() !== "") props.onSubmit(name.trim());
  };
  return (
    <form className="view-name-form" onSubmit={submit}>
      <label>
        View name
        <input autoFocus value={name} maxLength={100} onChange={(event) => setName(event.target.value)} />
      </label>
      <button type="submit" disabled={name.trim() === ""}>
        {props.submitLabel}
      </button>
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
    </form>
  );
}
