import { useState } from "react";
import { Dialog } from "../../../shared/ui/Dialog";
import { ErrorMessage } from "../../../shared/ui/ErrorMessage";
import { useDeleteTable } from "../api/tableMutations";
import { canConfirmDelete } from "../deleteConfirm";

interface Props {
  table: string;
  onClose: () => void;
  onDeleted: (table: string) => void;
}

/** The "Delete table" dialog: the name typed to enable "Delete", and a cascade option. */
export function DeleteTableDialog({ table, onClose, onDeleted }: Props) {
  const [typed, setTyped] = useState("");
  const [cascade, setCascade] = useState(false);
  const remove = useDeleteTable();
  const allowed = canConfirmDelete(typed, table);

  const confirm = () => {
    if (allowed) remove.mutate({ table, cascade }, { onSuccess: () => onDeleted(table) });
  };

  return (
    <Dialog
      title="Delete table"
      onClose={onClose}
      onSubmit={confirm}
      submit={{ label: "Delete", disabled: !allowed || remove.isPending, danger: true }}
    >
      <p>
        This drops the table <strong>{table}</strong> and all its rows. It cannot be undone.
      </p>
      <label className="field">
        <span>Type the table's name to confirm</span>
        <input value={typed} onChange={(event) => setTyped(event.target.value)} autoComplete="off" autoFocus />
      </label>
      <label className="choice">
        <input type="checkbox" checked={cascade} onChange={(event) => setCascade(event.target.checked)} />
        <span>Also delete what depends on it (cascade)</span>
      </label>
      <ErrorMessage error={remove.error} />
    </Dialog>
  );
}
