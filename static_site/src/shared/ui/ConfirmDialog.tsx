import type { ReactNode } from "react";
import { Dialog } from "./Dialog";
import { ErrorMessage } from "./ErrorMessage";

interface Props {
  title: string;
  /** The confirming button's label, e.g. "Delete". */
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  pending?: boolean;
  error?: unknown;
  children: ReactNode;
}

/** "Are you sure?" before something that cannot be undone. */
export function ConfirmDialog({ title, confirmLabel, onConfirm, onClose, pending, error, children }: Props) {
  return (
    <Dialog
      title={title}
      onClose={onClose}
      onSubmit={onConfirm}
      footer={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="danger" disabled={pending}>
            {confirmLabel}
          </button>
        </>
      }
    >
      {children}
      <ErrorMessage error={error} />
    </Dialog>
  );
}
