import type { LoopTiming } from '../engine/episodeLoop';
import type { EpisodeResult } from '../engine/result';
import type { PolicyReading } from '../engine/types';
import type { InterventionMode } from '../engine/interventions';
import type { DomainRandomization } from '../render/domainRandomization';
import type { Subtask } from '../sim/tasks';
import type { CameraName } from '../sim/vocab';

// The contract between the headless runner page (window.vlaRunner) and the Node CLIs that drive it
// through playwright. Plain data only: everything here crosses page.evaluate as JSON.

export interface RunEpisodeOptions {
  taskId: string;
  seed: number;
  /** A name registered in src/runner/policies.ts ('expert', later 'model'). */
  policy?: string;
  /** Passed to the policy factory (e.g. { model: 'models/vla-small' }). */
  policyOptions?: Record<string, unknown>;
  /** Return the per-step arrays of docs/dataset.md. */
  record?: boolean;
  /** Seeded domain randomization (lighting, table colour, camera jitter). */
  randomize?: boolean;
  /**
   * DART noise (src/sim/actionNoise.ts): executed actions get seeded correlated noise of this scale (0..1 of
   * the action limits) while the gripper is open; recorded actions stay clean. 0 or absent: none.
   */
  actionNoise?: number;
  /** Stop after this many control steps even if the episode is not over (default: the task's limits). */
  maxSteps?: number;
  /** Seeded perturbations applied to the episode: axis:level entries or comma lists of them (src/sim/axes.ts). */
  perturbations?: string[];
  /** Which words the policy gets during a multi-step instruction (src/engine/types.ts); default 'step'. */
  reading?: PolicyReading;
  /** 'switch': one seeded switched instruction mid-episode (src/engine/interventions.ts). */
  interventions?: InterventionMode;
}

export type Dtype = 'uint8' | 'int32' | 'float32';

/** A typed array as base64 of its raw little-endian bytes, with its NumPy-style shape. */
export interface EncodedArray {
  dtype: Dtype;
  shape: number[];
  base64: string;
}

export interface GoalInfo {
  instruction: string;
  plan: Subtask[];
}

export interface Recording {
  /** Every goal of the episode (one, or five for a chain); `goal.npy` indexes it. */
  goals: GoalInfo[];
  arrays: Record<string, EncodedArray>;
}

/** The engine's episode result (src/engine/result.ts) plus what only the runner page knows. */
export interface RunnerEpisodeResult extends EpisodeResult {
  suite: string;
  policy: string;
  /** Where the time went, in ms: physics + control, rendering, policy, labels + encoding. */
  timing: LoopTiming;
  randomization: DomainRandomization | null;
  recording?: Recording;
}

export interface RunnerInfo {
  webgl: string;
  cameras: { name: CameraName; width: number; height: number; fovy: number }[];
  policies: string[];
  tasks: number;
  /** The older perturbation names runEpisode accepts (aliases of axis levels). */
  perturbations?: string[];
  /** The robustness axes runEpisode applies (src/sim/axes.ts); each entry of `perturbations` may be axis:level. */
  axes?: string[];
}

export interface VlaRunner {
  init(): Promise<RunnerInfo>;
  runEpisode(opts: RunEpisodeOptions): Promise<RunnerEpisodeResult>;
}
