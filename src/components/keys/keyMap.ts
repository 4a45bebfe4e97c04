// What a key does, as a pure function of the key and where the episode is, so the mapping is tested without
// a browser and the shortcut sheet lists exactly what is handled. Conventions follow the tools people know
// (LeRobot's dataset visualizer, Rerun): space plays and pauses, arrows step through the recording, shift
// jumps ten, Home/End go to the ends, ? lists the keys.

export interface KeyInput {
  /** KeyboardEvent.key */
  key: string;
  /** KeyboardEvent.code (space is told by code on some layouts) */
  code?: string;
  shift: boolean;
  /** Ctrl, Meta or Alt held: the browser's and the system's shortcuts, never ours. */
  modifier: boolean;
  /**
   * Where the key went: a text field, select or checkbox owns every key; another slider (the execution
   * settings) owns its arrows, Home and End; the timeline slider's keys are ours, so it moves the cursor
   * exactly as the keys do anywhere else.
   */
  target: 'text' | 'range' | 'timeline' | 'other';
}

export interface KeyContext {
  /** A prediction waits for a person's approval. */
  awaiting: boolean;
  /** The episode ended (its task or a fault): the recording is all there is, nothing may restart it by a key. */
  finished: boolean;
  /** The step on screen (the time cursor). */
  viewStep: number;
  /** The newest recorded step (the live end). */
  lastStep: number;
  /** A stored episode is open beside this one (the compare pane). */
  comparing?: boolean;
}

export type KeyCommand =
  | { kind: 'approve' }
  /** Run or pause the simulation (a live episode). */
  | { kind: 'toggle-run' }
  /** Play the recording back from the cursor, or stop playing it (a finished episode). */
  | { kind: 'toggle-playback' }
  /** One new simulation step (only from the live end of an episode still under way). */
  | { kind: 'sim-step' }
  /** Move the time cursor to a recorded step. */
  | { kind: 'seek'; step: number }
  | { kind: 'reset' }
  | { kind: 'help' }
  | { kind: 'close-compare' };

export const JUMP = 10;

const clamp = (v: number, hi: number) => Math.max(0, Math.min(hi, v));

const SLIDER_KEYS = new Set(['ArrowRight', 'ArrowLeft', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown']);

export function keyCommand(k: KeyInput, c: KeyContext): KeyCommand | null {
  if (k.modifier || k.target === 'text') return null;
  if (k.target === 'range' && SLIDER_KEYS.has(k.key)) return null;
  const n = k.shift ? JUMP : 1;
  switch (k.key) {
    case 'Enter':
      return c.awaiting ? { kind: 'approve' } : null;
    case 'ArrowRight':
      // The live end of an episode under way: → makes history (one more step); anywhere else it reads it.
      if (!k.shift && !c.finished && c.viewStep >= c.lastStep) return { kind: 'sim-step' };
      return { kind: 'seek', step: clamp(c.viewStep + n, c.lastStep) };
    case 'ArrowLeft':
      return { kind: 'seek', step: clamp(c.viewStep - n, c.lastStep) };
    case 'Home':
      return { kind: 'seek', step: 0 };
    case 'End':
      return { kind: 'seek', step: c.lastStep };
    case '?':
      return { kind: 'help' };
    case 'Escape':
      return c.comparing ? { kind: 'close-compare' } : null;
    case 'r':
    case 'R':
      return { kind: 'reset' };
  }
  if (k.key === ' ' || k.code === 'Space') return c.finished ? { kind: 'toggle-playback' } : { kind: 'toggle-run' };
  return null;
}

/** The shortcut sheet: every key keyCommand handles, and Escape (the sheet's own). */
export const SHORTCUTS: ReadonlyArray<{ keys: string[]; what: string }> = [
  { keys: ['Space'], what: 'Run or pause the episode; on a finished episode, play the recording back from the cursor (nothing is discarded)' },
  { keys: ['→'], what: 'Next recorded step; at the live end of a paused episode, one new simulation step' },
  { keys: ['←'], what: 'Previous recorded step' },
  { keys: ['Shift', '→'], what: `${JUMP} steps forward in the recording` },
  { keys: ['Shift', '←'], what: `${JUMP} steps back in the recording` },
  { keys: ['Home'], what: 'First recorded step' },
  { keys: ['End'], what: 'Last recorded step (live)' },
  { keys: ['Enter'], what: 'Accept the prediction waiting for approval (also in the instruction box while its text is unchanged)' },
  { keys: ['r'], what: 'Reset the episode to its initial state' },
  { keys: ['?'], what: 'Show this list' },
  { keys: ['Esc'], what: 'Close this list; leave the instruction box; close the episode compared side by side' },
];

/**
 * Enter in the instruction box while a prediction waits for approval: with the text the episode already runs
 * (or none) it accepts the prediction; submitting the same words again would reload the episode and throw
 * away what was recorded. New words are a new instruction (or a correction) and are submitted.
 */
export function instructionEnter(draft: string, current: readonly string[], awaiting: boolean): 'accept' | 'submit' {
  if (!awaiting) return 'submit';
  const typed = normalize(draft);
  return typed === '' || current.some((t) => normalize(t) === typed) ? 'accept' : 'submit';
}

const normalize = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();
