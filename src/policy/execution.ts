// How a predicted action chunk turns into executed actions. Shared by the app's control loop and the
// headless evaluation so both execute a model the same way.

export type ExecutionMode =
  /** Execute the first k of the H predicted actions, then query the model again. */
  | { kind: 'chunk'; k: number }
  /** ACT-style temporal ensembling: query every step, average every chunk's prediction for this step
   *  with weights exp(-m * age), oldest first as in ACT (m > 0 favours older predictions less). */
  | { kind: 'ensemble'; m: number };

export const DEFAULT_EXECUTION: ExecutionMode = { kind: 'chunk', k: 4 };

/** "chunk:K" or "ensemble[:M]" (the eval CLI's --execution) -> a mode; throws a message naming the forms. */
export function parseExecution(s: string): ExecutionMode {
  const [kind, arg] = s.trim().split(':');
  const num = arg === undefined ? NaN : Number(arg);
  if (kind === 'chunk' && Number.isInteger(num) && num >= 1) return { kind: 'chunk', k: num };
  if (kind === 'ensemble' && arg === undefined) return { kind: 'ensemble', m: 0.1 };
  if (kind === 'ensemble' && Number.isFinite(num) && num >= 0) return { kind: 'ensemble', m: num };
  throw new Error(`unknown execution "${s}": use chunk:K (execute K actions of each chunk, K >= 1) or ensemble[:M] (ACT temporal ensembling, weight exp(-M * i))`);
}

export function formatExecution(mode: ExecutionMode): string {
  return mode.kind === 'chunk' ? `chunk:${mode.k}` : `ensemble:${mode.m}`;
}

interface StoredChunk {
  step: number;
  actions: number[][];
}

export class ActionScheduler {
  private chunks: StoredChunk[] = [];
  constructor(public mode: ExecutionMode) {}

  reset(): void {
    this.chunks = [];
  }

  /** Whether the model must be queried before executing `step`. */
  needsInference(step: number): boolean {
    const last = this.chunks.at(-1);
    if (!last) return true;
    if (this.mode.kind === 'ensemble') return last.step !== step;
    const age = step - last.step;
    return age < 0 || age >= Math.min(this.mode.k, last.actions.length);
  }

  /** Record the chunk predicted from the observation at `step`. */
  push(step: number, actions: number[][]): void {
    this.chunks.push({ step, actions });
    const horizon = actions.length;
    this.chunks = this.chunks.filter((c) => step - c.step < horizon);
  }

  /** The action to execute at `step`, or null if no stored chunk covers it. */
  actionAt(step: number): number[] | null {
    if (this.mode.kind === 'chunk') {
      const last = this.chunks.at(-1);
      if (!last) return null;
      const i = step - last.step;
      return i >= 0 && i < last.actions.length ? last.actions[i] : null;
    }
    let wsum = 0;
    let out: number[] | null = null;
    // Oldest prediction gets weight exp(0); each newer one exp(-m * index), as in ACT's ensembling.
    const m = this.mode.m;
    const covering = this.chunks.filter((c) => step - c.step >= 0 && step - c.step < c.actions.length);
    covering.forEach((c, idx) => {
      const a = c.actions[step - c.step];
      const w = Math.exp(-m * idx);
      out ??= new Array(a.length).fill(0);
      for (let i = 0; i < a.length; i++) out[i] += w * a[i];
      wsum += w;
    });
    if (!out || wsum === 0) return null;
    const res = out as number[];
    for (let i = 0; i < res.length; i++) res[i] /= wsum;
    // The gripper is a binary command: averaging would leave it half-closed between predictions.
    if (res.length === 7) res[6] = res[6] > 0 ? 1 : -1;
    return res;
  }
}
