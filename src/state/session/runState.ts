import type { StepOutcome } from '../../sim/episode';
import type { LoopPhase } from '../../workers/protocol';

// The run state of the episode on screen, one explicit state machine instead of flags and counters.
// Every transition is an event from the sim worker (its loop phase, a terminal record), a person (scrub,
// back to live) or a fault; `nextRunState` is the only place that decides what follows what.

export type RunState =
  /** The simulator is starting. */
  | 'booting'
  /** An episode is being loaded (task, seed, reset, restart). */
  | 'loading'
  /** Loaded, nothing executed yet. */
  | 'idle'
  | 'running'
  /** Running, and a prediction waits for a person's approval. */
  | 'awaiting'
  /** Stopped mid-episode. */
  | 'paused'
  /** The timeline cursor shows a recorded step, not the live one. */
  | 'replaying'
  /** The episode ended (success or failure by its task). */
  | 'done'
  /** Something other than the task ended it (a worker crash, a refused output). */
  | 'faulted';

export type RunEvent =
  | { type: 'load' }
  | { type: 'loaded' }
  | { type: 'phase'; phase: LoopPhase }
  | { type: 'terminal' }
  | { type: 'scrub' }
  | { type: 'live' }
  | { type: 'fault' };

/** Where a stopped episode rests, judged by its newest record. */
export function settled(live: Pick<StepOutcome, 'status' | 'step'> | null): RunState {
  if (!live) return 'idle';
  if (live.status === 'success' || live.status === 'failure') return 'done';
  return live.step === 0 ? 'idle' : 'paused';
}

export function nextRunState(s: RunState, e: RunEvent, live: Pick<StepOutcome, 'status' | 'step'> | null): RunState {
  switch (e.type) {
    case 'load':
      return 'loading';
    case 'loaded':
      return 'idle';
    case 'fault':
      return 'faulted';
    case 'terminal':
      return s === 'faulted' || s === 'replaying' ? s : 'done';
    case 'scrub':
      return s === 'booting' || s === 'loading' || s === 'faulted' ? s : 'replaying';
    case 'live':
      return s === 'replaying' ? settled(live) : s;
    case 'phase':
      if (s === 'booting' || s === 'loading' || s === 'faulted') return s;
      if (e.phase === 'done') return s === 'replaying' ? s : 'done';
      if (e.phase === 'running') return 'running';
      if (e.phase === 'awaiting') return 'awaiting';
      return s === 'running' || s === 'awaiting' ? settled(live) : s;
  }
}

/** The loop is moving (or waiting on a person inside a run). */
export const isPlaying = (s: RunState) => s === 'running' || s === 'awaiting';
