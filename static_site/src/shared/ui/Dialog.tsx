import { useEffect, useRef, type FormEvent, type ReactNode } from "react";

interface Props {
  /** The dialog's accessible name and heading. */
  title: string;
  onClose: () => void;
  /** When given, the body is a form and Enter or the submit button calls it. */
  onSubmit?: () => void;
  children: ReactNode;
  /** Buttons at the bottom (a submit button submits the form). */
  footer?: ReactNode;
  wide?: boolean;
}

/** A modal dialog (the browser's own `<dialog>`: focus kept inside, Escape closes). */
export function Dialog({ title, onClose, onSubmit, children, footer, wide }: Props) {
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog !== null && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  const submit = (event: FormEvent) => {
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
      <form className="dialog-form" onSubmit={submit} noValidate>
        <header className="dialog-header">
          <h2>{title}</h2>
          <button type="button" className="link-button" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        <div className="dialog-body">{children}</div>
        {footer && <footer className="dialog-footer">{footer}</footer>}
      </form>
    </dialog>
  );
}
