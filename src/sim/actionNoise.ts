import { MAX_DPOS, MAX_DROT } from './env';
import type { Rng } from './rng';

/**
 * DART-style noise injection for demonstrations (Laskey et al. 2017): the executed action is the expert's
 * plus seeded, temporally correlated noise, while the dataset records the expert's clean action at the state
 * the noise led to. Plain behaviour cloning only sees the expert's own narrow tube of states, so a policy
 * that drifts a centimetre off it has never seen the correction; these episodes show it.
 *
 * Noise is AR(1) per dimension (correlation RHO per step, so a push lasts several steps and moves the hand
 * far enough to matter) on dx, dy, dz and drz. It is applied only while the gripper is commanded open:
 * shaking a closed hand drops or drags what it holds, which teaches nothing and fails the episode.
 */
export const ACTION_NOISE_RHO = 0.8;
/** Stationary std of each noisy dimension, as a fraction of the action limit, per unit of `scale`. */
const DIMS: Array<[index: number, limit: number]> = [
  [0, MAX_DPOS],
  [1, MAX_DPOS],
  [2, MAX_DPOS],
  [5, MAX_DROT],
];

export class ActionNoise {
  private readonly state = new Float64Array(DIMS.length);
  private readonly innovation: number;

  /** `scale` in 0..1: stationary std of each dimension = scale x that dimension's action limit. */
  constructor(
    private readonly rng: Rng,
    readonly scale: number,
  ) {
    if (!(scale >= 0 && scale <= 1)) throw new Error(`action noise scale must be in 0..1, got ${scale}`);
    this.innovation = Math.sqrt(1 - ACTION_NOISE_RHO * ACTION_NOISE_RHO);
  }

  private gaussian(): number {
    // Box-Muller from the seeded stream; 1 - u keeps the log argument in (0, 1].
    const u = 1 - this.rng.next();
    const v = this.rng.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** The action to execute for the clean `action`; draws every step so the stream never depends on the gripper. */
  perturb(action: ArrayLike<number>): number[] {
    const out = Array.from(action);
    const open = action[6] <= 0;
    DIMS.forEach(([i, limit], k) => {
      this.state[k] = ACTION_NOISE_RHO * this.state[k] + this.innovation * this.gaussian();
      if (open) out[i] = action[i] + this.scale * limit * this.state[k];
    });
    return out;
  }
}
