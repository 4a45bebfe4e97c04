import type { EpisodeParams } from '../../src/state/history/historyEntry';
import { DEFAULT_EXECUTION_SETTINGS } from '../../src/state/policyStore';

/** A stored episode's link parameters for tests: an expert run of `taskId` with nothing added. */
export const episodeParams = (over: Partial<EpisodeParams> = {}): EpisodeParams => ({
  taskId: 'object/blue_to_bowl',
  seed: 3,
  instruction: '',
  program: null,
  policy: 'expert',
  perturb: [],
  interventions: [],
  approvals: [],
  execution: DEFAULT_EXECUTION_SETTINGS,
  ...over,
});
