import * as Comlink from 'comlink';
import type { Predictor, Prediction } from '../engine/chunkedPolicy';
import type { Observation } from '../engine/types';
import { toPolicyDecision } from '../policy/modelDecision';
import type { PolicyPortApi } from './protocol';
import { watchCall, type Watched } from './watchdog';

// The sim worker's direct line to the policy worker: the chunked adapter's predictor, one message each
// way per prediction, never through the main thread. The line is watched like every cross-thread call
// (src/workers/watchdog.ts): a policy worker that dies silently fails the episode instead of hanging it.

const WATCH_AFTER_MS = 3000;
/** A synchronous WASM run or a software WebGPU adapter on a busy 2-core machine can hold the worker long. */
const PING_DEADLINE_MS = 30_000;

export class PolicyLostError extends Error {}

export class RemotePredictor implements Predictor {
  private readonly remote: Comlink.Remote<PolicyPortApi>;
  private inflight: Watched<unknown> | null = null;
  private lost: string | null = null;

  constructor(private readonly port: MessagePort, private readonly onLost: (reason: string) => void) {
    this.remote = Comlink.wrap<PolicyPortApi>(port);
  }

  async predict(obs: Observation): Promise<Prediction> {
    if (this.lost) throw new PolicyLostError(this.lost);
    const images = Object.fromEntries(Object.entries(obs.images ?? {}).map(([k, v]) => [k, v.slice()]));
    const req = { epoch: 0, step: obs.step, images, proprio: obs.proprio.slice(), instruction: obs.instruction };
    const buffers = [...Object.values(images).map((a) => a.buffer), req.proprio.buffer] as ArrayBuffer[];
    const w = watchCall(() => this.remote.infer(Comlink.transfer(req, buffers)), {
      watchAfterMs: WATCH_AFTER_MS,
      pingDeadlineMs: PING_DEADLINE_MS,
      ping: () => this.remote.ping(),
      onLost: () => this.close('the policy worker stopped responding'),
      lostError: () => new PolicyLostError('the policy worker stopped responding'),
    });
    this.inflight = w;
    try {
      const res = await w.promise;
      return { decision: toPolicyDecision(res.decision, res, obs.instruction), fault: res.decision.fault };
    } finally {
      if (this.inflight === w) this.inflight = null;
    }
  }

  /** The policy worker is gone (found here or by the main thread): the inference in flight fails with `reason`. */
  close(reason: string): void {
    if (this.lost) return;
    this.lost = reason;
    this.inflight?.abort(new PolicyLostError(reason));
    this.port.close();
    this.onLost(reason);
  }
}
