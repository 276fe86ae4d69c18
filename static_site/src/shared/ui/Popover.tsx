import { type ReactNode, useEffect, useId, useRef, useState } from "react";

interface PopoverProps {
  /** The button's accessible name, and the panel's. */
  label: string;
  /** What the button shows (its name stays `label`). */
  content?: ReactNode;
  role?: "dialog" | "menu";
  className?: string;
  children: (close: () => void) => ReactNode;
}

/** A toolbar button that opens a panel below it; Escape or a click outside closes it. */
export function Popover({ label, content, role = "dialog", className, children }: PopoverProps) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (root.current !== null && !root.current.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  return (
    <div className="popover" ref={root}>
      <button
        type="button"
        className="toolbar-button"
        aria-label={label}
        aria-haspopup={role}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => setOpen((value) => !value)}
      >
        {content ?? label}
      </button>
      {open && (
        // biome-ignore lint/a11y/useAriaPropsSupportedByRole: the role is a dialog or a menu, both named by aria-label
        <div id={panelId} role={role} aria-label={label} className={`popover-panel ${className ?? ""}`}>
          {children(() => setOpen(false))}
        </div>
      )}
    </div>
  );
}
