import { useEffect } from 'react';
import { useEpisodeStore } from '../../state/episodeStore';
import { usePolicyStore } from '../../state/policyStore';
import { ReplayPlayer } from '../../state/replayPlayer';
import { useSession } from '../../state/session/context';
import { isTerminal } from '../../workers/protocol';
import { instructionEnter, keyCommand, type KeyCommand, type KeyInput } from './keyMap';
import { openShortcutSheet, useShortcutSheet } from './ShortcutSheet';

// The page's keyboard shortcuts: the DOM side of keyMap.ts (which element has focus, what the episode is
// doing) and the execution of the command it chooses.

function keyTarget(t: EventTarget | null): KeyInput['target'] {
  if (!(t instanceof HTMLElement)) return 'other';
  if (t.isContentEditable || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) return 'text';
  if (t instanceof HTMLInputElement) {
    if (t.type !== 'range') return 'text';
    // data-time-cursor marks the timeline's slider (src/components/Timeline.tsx).
    return t.hasAttribute('data-time-cursor') ? 'timeline' : 'range';
  }
  return 'other';
}

/** Enter in the instruction box accepts the prediction waiting for approval (keyMap.ts instructionEnter). */
export function enterAccepts(draft: string): boolean {
  const s = useEpisodeStore.getState();
  const current = [s.instruction, s.info?.text ?? '', ...(s.info?.goals.map((g) => g.instruction) ?? [])].filter((t) => t.trim() !== '');
  return instructionEnter(draft, current, usePolicyStore.getState().awaiting !== null) === 'accept';
}

export function useShortcuts(): void {
  const controller = useSession();
  useEffect(() => {
    const player = new ReplayPlayer(controller);
    const perform = (cmd: KeyCommand, viewStep: number, following: boolean) => {
      if (cmd.kind !== 'toggle-playback' && cmd.kind !== 'help' && cmd.kind !== 'close-compare') player.stop();
      switch (cmd.kind) {
        case 'approve':
          controller.approve();
          return;
        case 'toggle-run':
          controller.toggleRun();
          return;
        case 'toggle-playback':
          player.toggle(following ? Infinity : viewStep);
          return;
        case 'sim-step':
          void controller.step();
          return;
        case 'seek':
          // Seeking where the cursor already is would pause a running episode for nothing.
          if (cmd.step !== viewStep) controller.scrub(cmd.step);
          return;
        case 'reset':
          void controller.reset();
          return;
        case 'help':
          openShortcutSheet();
          return;
        case 'close-compare':
          controller.compare.close();
          return;
      }
    };
    const onKey = (e: KeyboardEvent) => {
      // The open sheet is a modal dialog: it owns the keyboard (Escape closes it).
      if (useShortcutSheet.getState().open) return;
      const s = useEpisodeStore.getState();
      const lastStep = Math.max(0, controller.records.length - 1);
      const viewStep = s.view?.step ?? lastStep;
      const cmd = keyCommand(
        { key: e.key, code: e.code, shift: e.shiftKey, modifier: e.ctrlKey || e.metaKey || e.altKey, target: keyTarget(e.target) },
        {
          awaiting: usePolicyStore.getState().awaiting !== null,
          finished: !!s.crash || s.run === 'faulted' || (!!s.live && isTerminal(s.live.outcome.status)),
          viewStep,
          lastStep,
          comparing: controller.compare.isOpen,
        },
      );
      if (!cmd) return;
      // A focused button would also "click" on space or Enter, and the slider would move by itself.
      e.preventDefault();
      perform(cmd, viewStep, s.cursor === null);
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      player.stop();
    };
  }, [controller]);
}
