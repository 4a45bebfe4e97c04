import type { Episode } from '../sim/episode';
import type { Decision } from '../sim/expertPolicy';
import type { CameraName } from '../sim/vocab';

// The vocabulary of one control step, shared by every host of the episode loop (the app's sim worker, the
// headless runner page, Node). Nothing here touches the DOM, React or three.js.

/** Policy camera pixels: RGB bytes per camera, row 0 = top (the exact model input). */
export type CameraImages = Record<CameraName, Uint8Array>;

/** Which policy produced a decision. */
export type PolicySource = 'expert' | 'model';

/**
 * A Decision (action chunk, planned path, reasoning) tagged with its source. Policies may attach extra
 * outputs (attention maps, confidences) under `extras`; the UI records and replays them as they are.
 */
export interface PolicyDecision extends Decision {
  source: PolicySource;
  extras?: Record<string, unknown>;
}

/** What a policy is shown at one control step. */
export interface Observation {
  step: number;
  /** The instruction in force (it changes between the goals of a chain). */
  instruction: string;
  /** Null when the policy declared it needs none, or when the host cannot render. */
  images: CameraImages | null;
  proprio: Float32Array;
  /** Privileged access to the simulation: only the scripted expert may read it. */
  episode: Episode;
}

/** A policy's answer at one control step. */
export interface PolicyStep {
  /** The action to execute next. */
  action: ArrayLike<number>;
  /** The plan behind it, shown before it executes. */
  decision: PolicyDecision | null;
  /** Set when nothing may execute (a refused model output): the episode fails with it. */
  fault?: string;
  /** This step made a new prediction (rather than continuing a chunk in hand): approval applies to it. */
  fresh?: boolean;
}

/** Anything that drives an episode: the scripted expert, a chunked learned model, a person's replay. */
export interface StepPolicy {
  /** Whether `act` reads `images`; hosts skip rendering when nothing needs the pixels. */
  readonly needsImages: boolean;
  /** Start of an episode, or a branch from a recorded state: forget every plan made before. */
  reset(): void | Promise<void>;
  /** Called once per control step, at the state the action will be applied to. */
  act(obs: Observation): PolicyStep | Promise<PolicyStep>;
  /**
   * Called before the decided action executes; false holds the step (nothing executes, the episode stays
   * where it is). The approval hook of a chunked model lives here.
   */
  gate?(step: number, decided: PolicyStep): Promise<boolean>;
  dispose?(): void;
}

/**
 * Which words a policy is given during a multi-step instruction (docs/language.md, "What the policy reads"):
 * 'step', the current step's words (a hierarchical reading: the program decides the order, the policy one
 * step at a time); 'sentence', the whole sentence as said, for the policy to sequence itself (end to end).
 */
export type PolicyReading = 'step' | 'sentence';
export const POLICY_READINGS: readonly PolicyReading[] = ['step', 'sentence'];
