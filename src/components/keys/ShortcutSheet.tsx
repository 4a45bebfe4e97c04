import { useEffect, useRef } from 'react';
import { create } from 'zustand';
import { SHORTCUTS } from './keyMap';
import './shortcutSheet.css';

// The list of every key (opened with ?). A native modal <dialog>: it traps focus, closes on Escape and gives
// focus back to where it was, with no code of ours to get wrong.

export const useShortcutSheet = create<{ open: boolean }>(() => ({ open: false }));

export const openShortcutSheet = () => useShortcutSheet.setState({ open: true });
const closeShortcutSheet = () => useShortcutSheet.setState({ open: false });

export function ShortcutSheet() {
  const open = useShortcutSheet((s) => s.open);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    else if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="shortcut-sheet" data-testid="shortcut-sheet" aria-labelledby="shortcut-sheet-title" onClose={closeShortcutSheet}>
      <div className="shortcut-head">
        <h2 id="shortcut-sheet-title">Keyboard shortcuts</h2>
        <button type="button" className="button small ghost" onClick={closeShortcutSheet} aria-label="Close the shortcut list" data-testid="shortcut-sheet-close">
          Close <kbd>Esc</kbd>
        </button>
      </div>
      <p className="muted small">Keys do nothing while you type in the instruction box or another field.</p>
      <table className="shortcut-table">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys.join('+')} data-testid="shortcut-row">
              <th scope="row">
                {s.keys.map((k, i) => (
                  <span key={k}>
                    {i > 0 && ' + '}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </th>
              <td>{s.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </dialog>
  );
}
