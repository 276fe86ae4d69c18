import { type FormEvent, type ReactNode, useEffect, useRef } from "react";

interface Props {
  /** The dialog's accessible name and heading. */
  title: string;
  onClose: () => void;
  /** When given, the body is a form and Enter or the submit button calls it. */
  onSubmit?: () => void;
  children: ReactNode;
  /** Buttons at the bottom (a submit button submits the form); `submit` makes the usual pair. */
  footer?: ReactNode;
  /** The usual footer of a form: Cancel, and a submit button with this label. */
  submit?: SubmitButton;
  wide?: boolean;
}

export interface SubmitButton {
  label: string;
  /** Not clickable (a write in flight, a confirmation not typed yet). */
  disabled?: boolean;
  /** Red: the button destroys something. */
  danger?: boolean;
}

/** A modal dialog (the browser's own `<dialog>`: focus kept inside, Escape closes). */
export function Dialog({ title, onClose, onSubmit, children, footer, submit, wide }: Props) {
  const buttons =
    submit === undefined ? (
      footer
    ) : (
      <>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className={submit.danger ? "danger" : "primary"} disabled={submit.disabled}>
          {submit.label}
        </button>
      </>
    );
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog !== null && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit?.();
  };

  return (
    <dialog
      ref={ref}
      aria-label={title}
      className={wide ? "dialog dialog-wide" : "dialog"}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <form className="dialog-form" onSubmit={handleSubmit} noValidate>
        <header className="dialog-header">
          <h2>{title}</h2>
          <button type="button" className="link-button" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        <div className="dialog-body">{children}</div>
        {buttons && <footer className="dialog-footer">{buttons}</footer>}
      </form>
    </dialog>
  );
}
