import type { CameraImages } from '../render/policyCameras';
import type { Episode } from '../sim/episode';
import { ExpertPolicy, type Decision } from '../sim/expertPolicy';

// Policies the headless runner can drive, by name. A learned policy registers a factory here (e.g.
// 'model', wrapping src/policy's ONNX session) and the runner, datagen and eval pick it up unchanged.

export interface PolicyObservation {
  step: number;
  /** The instruction currently in force (it changes between the goals of a chain). */
  instruction: string;
  /** Policy camera pixels (RGB, row 0 = top), null when the policy declared it needs none. */
  images: CameraImages | null;
  proprio: Float32Array;
  /** Privileged access to the simulation: only the scripted expert may read it. */
  episode: Episode;
}

export interface PolicyStep {
  /** The 7-D action to execute now. */
  action: ArrayLike<number>;
  /** The chunk, path and reasoning behind it, when the policy has them. */
  decision?: Decision;
  /** Set when the action must not run (NaN or out-of-range model output): the episode fails with it. */
  fault?: string;
}

export interface RunnerPolicy {
  /** Whether `act` reads `images`; the runner skips rendering when nothing needs the pixels. */
  readonly needsImages: boolean;
  /** Start of an episode. */
  reset(): void | Promise<void>;
  /** Called once per control step; a chunking policy decides itself when to run inference. */
  act(obs: PolicyObservation): PolicyStep | Promise<PolicyStep>;
  dispose?(): void;
}

export type PolicyFactory = (options: Record<string, unknown>) => Promise<RunnerPolicy>;

const registry = new Map<string, PolicyFactory>();

export function registerPolicy(name: string, factory: PolicyFactory): void {
  registry.set(name, factory);
}

export function policyNames(): string[] {
  return [...registry.keys()];
}

export async function createPolicy(name: string, options: Record<string, unknown> = {}): Promise<RunnerPolicy> {
  const factory = registry.get(name);
  if (!factory) throw new Error(`unknown policy "${name}"; registered: ${policyNames().join(', ')}`);
  return factory(options);
}

registerPolicy('expert', async () => {
  const expert = new ExpertPolicy();
  return {
    needsImages: false,
    reset: () => expert.reset(),
    act(obs) {
      const decision = expert.decide(obs.episode);
      return { action: decision.actions[0], decision };
    },
  };
});
