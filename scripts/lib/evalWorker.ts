import { parentPort, workerData } from 'node:worker_threads';
import { TabletopEnv } from '../../src/sim/env';
import type { AxisSetting } from '../../src/sim/axes';
import { expertStepPolicy, runEpisode, type EpisodeResult } from '../../src/sim/rollout';

// A Node eval lane in a worker thread: its own MuJoCo instance, expert episodes on request.

export interface WorkerRequest {
  id: number;
  job: { task: string; seed: number; perturb?: AxisSetting[] };
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
  port.on('message', async ({ id, job }: WorkerRequest) => {
    try {
      port.postMessage({ id, result: await runEpisode(env, job.task, job.seed, policy, job.perturb ?? perturbations) } satisfies WorkerReply);
    } catch (e) {
      port.postMessage({ id, error: (e as Error).stack ?? String(e) } satisfies WorkerReply);
    }
  });
}
