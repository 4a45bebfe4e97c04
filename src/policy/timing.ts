import type { OnnxPolicy, PolicyObservation } from './onnxPolicy';

/** Wall time of `runs` awaited calls after `warmup` untimed ones, in ms. */
export async function timeCalls(call: () => Promise<unknown>, runs: number, warmup = 1): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await call(); // the first runs compile kernels and allocate
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await call();
    ms.push(performance.now() - t0);
  }
  return ms;
}

/** Wall time of `runs` full decisions (preprocess, run, decode) after `warmup` untimed ones, in ms. */
export function timeDecisions(policy: Pick<OnnxPolicy, 'decide'>, obs: PolicyObservation, runs: number, warmup = 1): Promise<number[]> {
  return timeCalls(() => policy.decide(obs), runs, warmup);
}
