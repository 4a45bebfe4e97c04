import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import './infoButton.css';

// A "?" that opens a short explanation beside a read-out. A title tooltip never shows on a touch screen and
// is not announced reliably, so this is a real button with aria-expanded and the panel it controls; it
// closes on Escape, on a second press or on a press elsewhere.

export function InfoButton({ children, align = 'right' }: { children: ReactNode; align?: 'left' | 'right' }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const root = useRef<HTMLSpanElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('pointerdown', onDown);
    return () => window.removeEventListener('pointerdown', onDown);
  }, [open]);
  return (
    <span
      className="info"
      ref={root}
      onKeyDown={(e) => {
        if (e.key !== 'Escape' || !open) return;
        // Escape here closes the explanation, not whatever the page's shortcuts do with it.
        e.stopPropagation();
        setOpen(false);
        button.current?.focus();
      }}
    >
      <button ref={button} type="button" className="info-button" aria-label="What is this?" aria-expanded={open} aria-controls={id} onClick={() => setOpen((o) => !o)}>
        ?
      </button>
      {open && (
        <div id={id} className={`info-panel ${align}`} role="note" data-testid="info-panel">
          {children}
        </div>
      )}
    </span>
  );
}
