import { useState } from 'react';
import { addableAtoms, planEditWords, type PlanEdit } from '../language/planEdit';
import { describeResolved } from '../language/program';
import type { ResolvedAtom } from '../sim/goals';
import { useSession } from '../state/session/context';
import { useEpisodeStore } from '../state/episodeStore';
import { isTerminal } from '../workers/protocol';
import './planEditor.css';

// The plan's remaining steps can be deleted, moved and added to before or during a run. Each edit is said to
// the episode as words (src/language/planEdit.ts), so it is a correction like a typed one: applied from the
// current state, listed, marked on the timeline and carried by the link.

/** Buttons beside remaining step `index` (0 = the current step). */
export function StepControls({ index, count }: { index: number; count: number }) {
  // Disabled rather than gone when the plan cannot be edited (loading, replay, the episode over): the row
  // keeps its height, so nothing below it moves (e2e/layoutShift.e2e.ts).
  const edit = useEdit() ?? undefined;
  const off = !edit;
  return (
    <span className="plan-edit">
      <button type="button" className="icon-button" data-testid="program-step-up" disabled={off || index === 0} onClick={() => edit?.({ kind: 'move', index, by: -1 })} aria-label="Move this step earlier" title="Move earlier">
        ↑
      </button>
      <button type="button" className="icon-button" data-testid="program-step-down" disabled={off || index === count - 1} onClick={() => edit?.({ kind: 'move', index, by: 1 })} aria-label="Move this step later" title="Move later">
        ↓
      </button>
      <button type="button" className="icon-button" data-testid="program-step-delete" disabled={off || count < 2} onClick={() => edit?.({ kind: 'delete', index })} aria-label="Delete this step" title="Delete (say “stop” to stop altogether)">
        ✕
      </button>
    </span>
  );
}

/** A list of the steps this table allows and an Add button. */
export function AddStep() {
  const edit = useEdit();
  const init = useEpisodeStore((s) => s.info?.init ?? null);
  const [choice, setChoice] = useState(0);
  if (!init) return null;
  const options = addableAtoms(Object.keys(init.objects));
  return (
    <span className="plan-add">
      <select data-testid="program-step-choice" value={choice} disabled={!edit} onChange={(e) => setChoice(Number(e.target.value))} aria-label="A step to add">
        {options.map((a, i) => (
          <option key={i} value={i}>
            {describeResolved(a)}
          </option>
        ))}
      </select>
      <button type="button" className="button" data-testid="program-step-add" disabled={!edit} onClick={() => edit && options[choice] && edit({ kind: 'add', atom: options[choice] })}>
        Add step
      </button>
    </span>
  );
}

/** Apply an edit to the remaining steps, or null when the episode cannot be edited now. */
function useEdit(): ((e: PlanEdit) => void) | null {
  const controller = useSession();
  const goals = useEpisodeStore((s) => s.info?.goals ?? null);
  const live = useEpisodeStore((s) => s.live);
  const run = useEpisodeStore((s) => s.run);
  if (!goals || !live || isTerminal(live.outcome.status) || run === 'loading' || run === 'replaying' || run === 'faulted') return null;
  const remaining: ResolvedAtom[] = goals.slice(live.outcome.goalIndex).map((g) => g.atom);
  return (e) => {
    const words = planEditWords(remaining, e);
    if (words) void controller.correct(words);
  };
}
