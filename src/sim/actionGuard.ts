/** Actions are 7-D: dx dy dz drx dry drz gripper (docs/dataset.md). */
export const ACTION_DIM = 7;

// The one check between any policy and the simulator: whatever proposes an action (expert, model, a
// person's edit), a malformed or non-finite one never reaches MuJoCo. The episode loop
// (src/engine/episodeLoop.ts) asks before applying; TabletopEnv.step asks again for callers that drive the
// env directly (tests, benchmarks).

/** Why `action` must not execute, or null when it may. */
export function actionFault(action: ArrayLike<number> | null | undefined): string | null {
  if (!action) return 'no action was planned for this step';
  if (action.length !== ACTION_DIM) return `refused an action of ${action.length} values (expected ${ACTION_DIM})`;
  for (let i = 0; i < action.length; i++) {
    if (!Number.isFinite(action[i])) {
      return `refused a non-finite action [${Array.from(action, (v) => v.toFixed(3)).join(', ')}]`;
    }
  }
  return null;
}
