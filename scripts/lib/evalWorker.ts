import { parentPort, workerData } from 'node:worker_threads';
import { TabletopEnv } from '../../src/sim/env';
import type { AxisSetting } from '../../src/sim/axes';
import type { InterventionMode } from '../../src/engine/interventions';
import { expertStepPolicy, runEpisode, type EpisodeResult } from '../../src/sim/rollout';

// A Node eval lane in a worker thread: its own MuJoCo instance, expert episodes on request.

export interface WorkerRequest {
  id: number;
  job: { task: string; seed: number; perturb?: AxisSetting[] };
  interventions?: InterventionMode;
}
export interface WorkerReply {
  id: number;
  result?: EpisodeResult;
  error?: string;
}

if (parentPort) {
  const port = parentPort;
  const perturbations = (workerData?.perturbations ?? []) as AxisSetting[];
  const env = await TabletopEnv.create();
  const policy = expertStepPolicy();
  port.on('message', async ({ id, job, interventions }: WorkerRequest) => {
    try {
      port.postMessage({ id, result: await runEpisode(env, job.task, job.seed, policy, job.perturb ?? perturbations, interventions) } satisfies WorkerReply);
    } catch (e) {
      port.postMessage({ id, error: (e as Error).stack ?? String(e) } satisfies WorkerReply);
    }
  });
}
