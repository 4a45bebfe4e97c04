import type { StepPolicy } from '../engine/types';
import { expertStepPolicy } from '../sim/rollout';

// Policies the headless runner can drive, by name. A learned policy registers a factory here (e.g.
// 'model', wrapping src/policy's ONNX session in the engine's chunked adapter) and the runner, datagen and
// eval pick it up unchanged.

export type PolicyFactory = (options: Record<string, unknown>) => Promise<StepPolicy>;

const registry = new Map<string, PolicyFactory>();

export function registerPolicy(name: string, factory: PolicyFactory): void {
  registry.set(name, factory);
}

export function policyNames(): string[] {
  return [...registry.keys()];
}

export async function createPolicy(name: string, options: Record<string, unknown> = {}): Promise<StepPolicy> {
  const factory = registry.get(name);
  if (!factory) throw new Error(`unknown policy "${name}"; registered: ${policyNames().join(', ')}`);
  return factory(options);
}

registerPolicy('expert', async () => expertStepPolicy());
