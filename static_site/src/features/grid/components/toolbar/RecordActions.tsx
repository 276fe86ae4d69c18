interface Props {
  selectedCount: number;
  canOpen: boolean;
  canUndo: boolean;
  adding: boolean;
  onAdd: () => void;
  onDelete: () => void;
  onOpen: () => void;
  onUndo: () => void;
}

/** Record buttons of the toolbar: add, open the focused row as a form, delete the checked rows, undo. */
export function RecordActions({ selectedCount, canOpen, canUndo, adding, onAdd, onDelete, onOpen, onUndo }: Props) {
  return (
    <span className="record-actions">
      <button type="button" className="primary" onClick={onAdd} disabled={adding}>
        Add record
      </button>
      <button type="button" onClick={onOpen} disabled={!canOpen} title="Open the focused row as a form (Space)">
        Open record
      </button>
      <button
        type="button"
        aria-label="Delete records"
        onClick={onDelete}
        disabled={selectedCount === 0}
        title="Delete the checked rows"
      >
        Delete records{selectedCount > 0 ? ` (${selectedCount})` : ""}
      </button>
      <button type="button" onClick={onUndo} disabled={!canUndo} title="Undo the last edit (Ctrl/Cmd-Z)">
        Undo
      </button>
    </span>
  );
}
