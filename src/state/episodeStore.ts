import type { ApprovalAnswer } from '../engine/approvals';
import { create } from 'zustand';
import type { AxisSetting } from '../sim/axes';
import type { InstructionMatch } from '../sim/instructions';
import { isPlaying, nextRunState, type RunEvent, type RunState } from './session/runState';
import { DEFAULT_TASK } from '../sim/tasks';
import type { Program } from '../language/program';
import type { EpisodeInfo, PolicySource, ProgramRequest, StepRecord } from '../workers/protocol';

// What the panels show, updated at most once per control step. Per-frame data (interpolated poses, drag
// positions) never goes through here: it lives in refs and plain objects read inside the render loop.

export type BootState = 'loading' | 'ready' | 'error';

export interface Notice {
  kind: 'error' | 'warning' | 'info';
  text: string;
  id: number;
}

export interface EpisodeState {
  boot: BootState;
  bootError: string | null;
  taskId: string;
  seed: number;
  /** The instruction a person typed for this episode ('' = the task's own sampled instruction). */
  instruction: string;
  /** What is in the instruction box right now. */
  instructionDraft: string;
  policy: PolicySource;
  /** Seeded robustness axes applied to the episode (src/sim/axes.ts); carried by the link as `perturb`. */
  perturb: AxisSetting[];
  /** The learned model can be chosen once a policy worker exists. */
  modelAvailable: boolean;
  info: EpisodeInfo | null;
  /** Where the episode on screen is (src/state/session/runState.ts); `loading` and `playing` follow it. */
  run: RunState;
  /** A load (task change, reset, restart) is in flight. */
  loading: boolean;
  /** The loop is moving, or waiting on a person's approval inside a run. */
  playing: boolean;
  speed: number;
  recordCount: number;
  /** Timeline position; null follows the live end. */
  cursor: number | null;
  /** The record the views show (the live one, or the one under the cursor). */
  view: StepRecord | null;
  /** The newest record (what the sim is at). */
  live: StepRecord | null;
  /** Feedback on the last typed instruction. */
  match: InstructionMatch | null;
  /** The program understood from the typed instruction, run on the task's layout (null: the task's own goals). */
  program: ProgramRequest | null;
  /** What the parser understood, step by step, for the plan under the instruction box. */
  understood: { steps: Array<{ text: string; label: string }>; unknownWords: string[] } | null;
  /**
   * A person's corrections in this episode (talk-back), in order: what was said at which step and what it
   * did. The link carries them (`at=<step>:<words>`), so it replays the episode with them.
   */
  interventions: Array<{ step: number; text: string; message: string }>;
  /**
   * A person's answers to the model's predictions in approval mode, in order. The link carries them
   * (`ok=<step>:<a|r|n>`), and a load replays them at their steps (src/workers/approvalGate.ts).
   */
  approvals: ApprovalAnswer[];
  /** The typed instruction has several readings here: the person picks one. */
  clarification: {
    text: string;
    question: string;
    /** A reading as a program (a new instruction) or as words to say again (a correction mid-episode). */
    options: Array<{ label: string; program?: Program; text?: string }>;
    /** Asked about a correction mid-episode: the chosen reading is said to the running episode. */
    correction?: boolean;
  } | null;
  notices: Notice[];
  /** Something other than the task ended this episode (a worker crash, a refused model output); the reason
   * is shown until the next load. */
  crash: string | null;
}

export const SPEEDS = [0.25, 0.5, 1, 2, 4, Infinity] as const;

export const useEpisodeStore = create<EpisodeState>(() => ({
  boot: 'loading',
  bootError: null,
  taskId: DEFAULT_TASK,
  seed: 0,
  perturb: [],
  interventions: [],
  approvals: [],
  instruction: '',
  instructionDraft: '',
  policy: 'expert',
  modelAvailable: false,
  info: null,
  run: 'booting',
  loading: false,
  playing: false,
  speed: 1,
  recordCount: 0,
  cursor: null,
  view: null,
  live: null,
  match: null,
  program: null,
  understood: null,
  clarification: null,
  notices: [],
  crash: null,
}));

let noticeId = 0;
export function pushNotice(kind: Notice['kind'], text: string): void {
  const n = { kind, text, id: ++noticeId };
  useEpisodeStore.setState((s) => ({ notices: [...s.notices.slice(-3), n] }));
}
export function dismissNotice(id: number): void {
  useEpisodeStore.setState((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
}

/** Move the run state machine; `loading` and `playing` are derived from it here and nowhere else. */
export function dispatchRun(e: RunEvent): RunState {
  const s = useEpisodeStore.getState();
  const run = nextRunState(s.run, e, s.live?.outcome ?? null);
  if (run !== s.run) useEpisodeStore.setState({ run, playing: isPlaying(run), loading: run === 'loading' });
  return run;
}

/** The status word the UI shows (docs/architecture.md: idle / running / success / failure, and the rest). */
export type DisplayStatus = 'loading' | 'idle' | 'running' | 'awaiting approval' | 'paused' | 'replaying' | 'success' | 'failure';

export function displayStatus(s: Pick<EpisodeState, 'live' | 'run' | 'crash'>): DisplayStatus {
  if (s.crash || s.run === 'faulted') return 'failure';
  const live = s.live;
  const outcome = live?.outcome.status;
  if (outcome === 'success' || outcome === 'failure') return outcome;
  switch (s.run) {
    case 'booting':
    case 'loading':
      return 'loading';
    case 'running':
      return 'running';
    case 'awaiting':
      return 'awaiting approval';
    case 'replaying':
      return 'replaying';
    case 'paused':
      return 'paused';
    default:
      return live && live.step > 0 ? 'paused' : 'idle';
  }
}
