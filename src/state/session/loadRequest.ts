import type { LoadRequest } from '../../workers/protocol';
import type { EpisodeParams } from '../history/historyEntry';
import { executionRequest } from '../policyStore';

// The one translation from an episode's link parameters to the sim worker's load request: the session's own
// loads and a stored episode's renderer (src/state/history/storedEpisodeRenderer.ts) load the same episode
// from the same parameters, so their scenes, perturbations and camera frames agree.

export function loadRequestOf(p: EpisodeParams): LoadRequest {
  const { taskId, seed, instruction, policy, program, perturb, interventions, approvals } = p;
  return {
    taskId,
    seed,
    instruction: instruction || undefined,
    policy,
    execution: executionRequest(p.execution),
    ...(program ? { program } : {}),
    ...(perturb.length ? { perturb } : {}),
    ...(interventions.length ? { interventions: interventions.map(({ step, text }) => ({ step, text })) } : {}),
    ...(approvals.length ? { approvals } : {}),
  };
}
