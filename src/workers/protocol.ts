import type { CameraImages, PolicyDecision, PolicySource } from '../engine/types';
import type { ExecutionMode } from '../policy/execution';
import type { InferRequest, InferResult } from './policyProtocol';
import type { Program } from '../language/program';
import type { InitialState } from '../sim/env';
import type { EpisodeStatus, StepOutcome } from '../sim/episode';
import type { Vec3 } from '../sim/math';
import type { PoseFrame, SceneDescription } from '../sim/sceneDescription';
import type { SuiteName } from '../sim/tasks';
import type { ResolvedAtom, Subtask } from '../sim/goals';
import type { AxisSetting } from '../sim/axes';
import type { Intervention } from '../engine/interventions';
import type { ApprovalAnswer, Verdict } from '../engine/approvals';

// The typed contract between the main thread and the sim worker (Comlink RPC plus one event stream).
// The sim worker runs the whole control loop (src/engine/episodeLoop.ts): physics, the policy cameras and
// the policy (the expert in place, the learned model over a MessagePort straight to the policy worker), so
// the main thread only receives records and draws. Everything here is structured-clone friendly; pose and
// pixel arrays travel as transferables.

export type { PolicyDecision, PolicySource };

export interface GoalInfo {
  instruction: string;
  /** The program step this goal carries out (src/sim/goals.ts). */
  atom: ResolvedAtom;
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
  /** The layout the episode starts from: typed instructions are read against it (src/language/parse.ts). */
  init: InitialState;
  /** The axes applied (axis:level list, empty for none), what they did, and when in-episode ones happen. */
  perturb: { settings: string; events: string[]; schedule: Array<{ step: number; label: string }> };
  /** The whole sentence of a multi-step instruction (a long task, an open program); its goals hold each step's words. */
  text?: string;
}

/** A program parsed from a person's words, to run on the task's layout in place of the task's goals. */
export interface ProgramRequest {
  program: Program;
  /** The whole sentence as typed. */
  text: string;
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
  /** Wall time the worker spent on this control step (physics + controller + policy + cameras), ms. */
  computeMs: number;
  /** The policy cameras at this state when a policy looked at them (the model's exact input); otherwise null,
   * and the camera views ask the worker to render the frame when they show it. */
  images: CameraImages | null;
}

/** Where the sim worker's loop is. */
export type LoopPhase = 'idle' | 'running' | 'awaiting' | 'done';

export type SimEvent =
  /** A state and the decision made at it; a record for a step already sent replaces it (the first
   * prediction of an episode arrives after the bare initial state). */
  | { type: 'record'; epoch: number; record: StepRecord }
  | { type: 'phase'; epoch: number; phase: LoopPhase; step: number }
  /** A person's correction took effect at `step` (said now, or replayed from a link): the goals from there. */
  | { type: 'intervention'; epoch: number; step: number; text: string; message: string; goals: GoalInfo[]; sentence?: string }
  /** A recorded approval answer replayed at its step (a link's `ok` parameters); live answers are the caller's own. */
  | { type: 'approval'; epoch: number; step: number; verdict: Verdict };

/** What became of a person's correction (src/engine/interventions.ts). */
export type InterventionReply =
  | { kind: 'applied' | 'stop'; message: string; step: number; interventions: Intervention[]; goals: GoalInfo[] }
  | { kind: 'clarify'; question: string; options: Array<{ label: string; text: string }> }
  | { kind: 'refuse'; message: string };

/** How the learned model's chunks execute in the app. */
export interface ExecutionRequest {
  mode: ExecutionMode;
  /** Hold every new prediction until a person accepts it. */
  approval: boolean;
}

export interface LoadRequest {
  taskId: string;
  seed: number;
  /** A typed instruction replaces the sampled one for single-goal tasks (the text a model would read). */
  instruction?: string;
  policy: PolicySource;
  execution?: ExecutionRequest;
  /** Run this program on the task's layout instead of the task's own goals. */
  program?: ProgramRequest;
  /** Seeded robustness axes applied to the episode (src/sim/axes.ts). */
  perturb?: AxisSetting[];
  /** A person's corrections, at their steps (a link's `at` parameters). */
  interventions?: Intervention[];
  /** A person's answers in approval mode, at their steps (a link's `ok` parameters), replayed as the run reaches them. */
  approvals?: ApprovalAnswer[];
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

/** What the sim worker needs from the policy worker, over the MessagePort the main thread hands both. */
export interface PolicyPortApi {
  infer(req: InferRequest): Promise<InferResult>;
  ping(): Promise<number>;
}

/** `speed` multiplies the 10 Hz control rate; Infinity runs as fast as the worker can. */
export interface SimWorkerApi {
  /** `events` receives the SimEvent stream, one message per event. */
  init(events: MessagePort): Promise<{ scene: SceneDescription; controlHz: number; cameraError: string | null }>;
  /** Load an episode; the bare initial state comes back at once, its first decision follows as a record event. */
  load(req: LoadRequest): Promise<LoadResult>;
  /** Run at `speed` until the episode ends, a prediction waits for approval, or `pause`. */
  play(speed: number): void;
  /** Stop after the step in progress; resolves (and announces 'idle') once its record is out. */
  pause(): Promise<void>;
  setSpeed(speed: number): void;
  /** Exactly one control step (accepting a prediction that waits for approval); the new step, or null.
   * Its record arrives as an event, like every other. */
  step(): Promise<number | null>;
  /** Accept the prediction waiting for approval; false when none waits. */
  /** Accept the waiting prediction (`steps`: only its first steps, then ask again). */
  approve(steps?: number): boolean;
  /** Reject it: nothing executes, the model is asked again at this state. */
  reject(): Promise<boolean>;
  /** A person's words while the episode runs or waits: applied at the current state (talk-back). */
  intervene(text: string): Promise<InterventionReply>;
  setExecution(req: ExecutionRequest): void;
  /** The learned model is ready behind this port (or gone: null); the episode's first prediction follows. */
  connectPolicy(port: MessagePort | null, reason?: string): void;
  /** Restore the episode as it was at recorded step `step` and drop later history. */
  resumeFrom(step: number): Promise<StepRecord>;
  dragStart(d: DragStart): void;
  dragMove(target: Vec3): void;
  dragEnd(): void;
  /** The policy cameras for a recorded pose frame (records carry pixels only where a policy looked); `step`
   * seeds the sensor-noise axis as it was at that step. */
  renderFrame(frame: PoseFrame, step?: number): Promise<CameraImages | null>;
  /** Liveness check for the main thread's watchdog. */
  ping(): number;
  /** Fault injection: 'crash' throws outside any call; 'close' ends the worker silently (as an OOM kill would). */
  injectFault(kind: 'crash' | 'close'): void;
}

export const isTerminal = (s: EpisodeStatus) => s === 'success' || s === 'failure';
