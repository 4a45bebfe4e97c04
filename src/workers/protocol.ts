import type { Decision } from '../sim/expertPolicy';
import type { EpisodeStatus, StepOutcome } from '../sim/episode';
import type { Vec3 } from '../sim/math';
import type { PoseFrame, SceneDescription } from '../sim/sceneDescription';
import type { SuiteName } from '../sim/tasks';
import type { Subtask } from '../sim/tasks';

// The typed contract between the main thread and the sim worker (Comlink RPC plus one event stream).
// Everything here is structured-clone friendly; pose arrays travel as transferables.

/** Which policy produced a decision. The sim worker computes expert decisions itself; model decisions
 * come from the policy worker through the main thread, which executes their actions with `execute`. */
export type PolicySource = 'expert' | 'model';

/** A Decision (action chunk, planned path, reasoning) tagged with its source. Policies may attach extra
 * per-step outputs (attention maps, confidences) under `extras`; the UI records and replays them as is. */
export interface PolicyDecision extends Decision {
  source: PolicySource;
  extras?: Record<string, unknown>;
}

export interface GoalInfo {
  instruction: string;
  plan: Subtask[];
  stepLimit: number;
}

export interface DraggableBody {
  body: number;
  name: string;
}

/** What the UI needs to know about a loaded episode. */
export interface EpisodeInfo {
  taskId: string;
  suite: SuiteName;
  title: string;
  seed: number;
  /** One goal, or five for a chain. */
  goals: GoalInfo[];
  policy: PolicySource;
  /** Bodies a person may drag with the mouse (free objects and the drawer). */
  draggable: DraggableBody[];
}

/**
 * One recorded control step. Record k holds the state after k control steps and the decision computed at
 * that state, i.e. the plan that is about to execute. The first record (k = 0) is the initial state.
 */
export interface StepRecord {
  /** Control steps executed so far. */
  step: number;
  frame: PoseFrame;
  /** End-effector position (world) and gripper opening (m). */
  tcp: Vec3;
  gripperWidth: number;
  /** The model's proprioception at this state (docs/dataset.md layout, 13 floats). */
  proprio: Float32Array;
  outcome: StepOutcome;
  /** Plan at this state (executed next); null once the episode is over, or until an external policy decides. */
  decision: PolicyDecision | null;
  /** The expert's decision at this state when another policy drives (ground truth to compare with). */
  expert: PolicyDecision | null;
  /** The action executed to reach this state; null for the initial state. */
  action: number[] | null;
  /** A person's drag force acted during the step that led here. */
  perturbed: boolean;
  /** Wall time the worker spent on this control step (physics + controller + expert), ms. */
  computeMs: number;
}

export type SimEvent =
  | { type: 'record'; epoch: number; record: StepRecord }
  | { type: 'playing'; epoch: number; playing: boolean };

export interface LoadRequest {
  taskId: string;
  seed: number;
  /** A typed instruction replaces the sampled one for single-goal tasks (the text a model would read). */
  instruction?: string;
  policy: PolicySource;
}

export interface LoadResult {
  epoch: number;
  info: EpisodeInfo;
  record: StepRecord;
}

export interface DragStart {
  body: number;
  /** Grab point in the body's frame. */
  anchor: Vec3;
  /** Where the pointer is (world). */
  target: Vec3;
}

/** `speed` multiplies the 10 Hz control rate; Infinity runs as fast as the worker can. */
export interface SimWorkerApi {
  init(listener: (e: SimEvent) => void): Promise<{ scene: SceneDescription; controlHz: number }>;
  load(req: LoadRequest): Promise<LoadResult>;
  play(speed: number): void;
  pause(): void;
  setSpeed(speed: number): void;
  /** One control step with the expert; null when the episode is already over. */
  step(): Promise<StepRecord | null>;
  /** One control step with an action from another policy (the model); its decision stays with the caller. */
  execute(action: number[]): Promise<StepRecord | null>;
  /**
   * Another policy's actions, one per control period at `speed`, each record published as an event; resolves
   * with how many ran (fewer when the episode ends, its goal changes, or on pause / load).
   */
  executeMany(actions: number[][], speed: number): Promise<number>;
  /** Restore the episode as it was at recorded step `step` and drop later history. */
  resumeFrom(step: number): Promise<StepRecord>;
  dragStart(d: DragStart): void;
  dragMove(target: Vec3): void;
  dragEnd(): void;
  /** Fault injection for the crash-recovery path: the worker throws outside any call. */
  injectFault(kind: 'crash'): void;
}

export const isTerminal = (s: EpisodeStatus) => s === 'success' || s === 'failure';
