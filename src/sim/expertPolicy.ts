import type { Episode } from './episode';
import { expertDecide, expertRollout, initialExpertState, moveOf, viewOf, type ExpertState } from './expert';
import { labelReasoning, type Reasoning } from './reasoning';
import type { Vec3 } from './math';
import { FUTURE_POINTS, FUTURE_STRIDE } from './vocab';

export const CHUNK = 8;

/** What any policy (expert or model) proposes for the next steps, shown before it executes. */
export interface Decision {
  /** Action chunk: CHUNK rows of 7-D actions; row 0 is the next action. */
  actions: number[][];
  /** Predicted end-effector path over the chunk (world frame). */
  path: Vec3[];
  reasoning: Reasoning;
}

/** The scripted expert as a closed-loop policy over an Episode; re-plans whenever the goal changes. */
export class ExpertPolicy {
  private state: ExpertState = initialExpertState();
  private goalIndex = -1;
  /**
   * What the goal being pursued asks for: a person's correction replaces it at the same index
   * (Episode.replaceGoals). A value, not the goal object, so a cloned expert (a branch) still knows its goal.
   */
  private goal: string | null = null;
  private prevGrip = -1;
  private retries = 0;
  private disengage = 0;
  private clearing = false;
  phase = '';

  reset(): void {
    this.state = initialExpertState();
    this.goalIndex = -1;
    this.goal = null;
    this.prevGrip = -1;
    this.retries = 0;
    this.disengage = 0;
    this.clearing = false;
  }

  /** Open the gripper for a few steps, then rise to a safe height; null once clear. */
  private disengageStep(ep: Episode): Decision | null {
    const tcp = ep.env.tcpPos();
    let action: number[];
    if (this.disengage > 0) {
      this.disengage -= 1;
      this.clearing = true;
      action = [0, 0, 0, 0, 0, 0, -1];
    } else if (tcp[2] < 0.2) {
      action = [0, 0, Math.min(0.02, 0.21 - tcp[2]), 0, 0, 0, -1];
    } else {
      this.clearing = false;
      return null;
    }
    const path: Vec3[] = [];
    let p = tcp;
    for (let k = 0; k < CHUNK; k++) {
      p = [p[0], p[1], Math.min(0.21, p[2] + (k === 0 ? action[2] : 0.02))];
      path.push(p);
    }
    const move = moveOf(action, this.prevGrip);
    const future = Array.from({ length: FUTURE_POINTS }, (_, j) => path[Math.min(path.length - 1, (j + 1) * FUTURE_STRIDE - 1)]);
    this.prevGrip = -1;
    this.phase = 'disengage';
    const plan = ep.goal.plan;
    return {
      actions: path.map((q, k) => (k === 0 ? action : [0, 0, q[2] > 0.205 ? 0 : 0.02, 0, 0, 0, -1])),
      path,
      reasoning: labelReasoning(ep.env, plan, 0, move, [tcp, ...future]),
    };
  }

  decide(ep: Episode): Decision {
    const goal = JSON.stringify(ep.goal.atom);
    if (ep.goalIndex !== this.goalIndex || goal !== this.goal) {
      // A new goal mid-plan (a person's correction) starts from wherever the hand is, like the next goal.
      const replaced = ep.goalIndex === this.goalIndex && this.goal !== null;
      this.goalIndex = ep.goalIndex;
      this.goal = goal;
      // A goal can be met mid-motion (a drawer counts as open while the hand still holds its handle, a
      // cube counts as placed as soon as the fingers open around it): let go and back off to a safe
      // height before starting the next plan, or its first gripper command may close on that object.
      this.disengage = (this.goalIndex > 0 || replaced) && this.prevGrip > 0 ? 3 : 0;
      this.clearing = this.goalIndex > 0 || replaced;
      this.state = { ...initialExpertState(), grip: -1 };
      this.retries = 0;
    }
    if (this.disengage > 0 || (this.goalIndex > 0 && this.disengage === 0 && this.clearing)) {
      const d = this.disengageStep(ep);
      if (d) return d;
    }
    const plan = ep.goal.plan;
    const view = viewOf(ep.env);
    let r = expertDecide(plan, view, this.state);
    if (r.done && this.retries < 3) {
      // The plan ran out but the goal does not hold yet (a cube bounced, a press was too light): start over.
      this.retries += 1;
      r = expertDecide(plan, view, { ...initialExpertState(), grip: this.prevGrip });
    }
    this.state = r.state;
    this.phase = r.phase;
    const horizon = Math.max(CHUNK, FUTURE_POINTS * FUTURE_STRIDE);
    const roll = expertRollout(plan, view, r.state, horizon - 1);
    const actions = [r.action, ...roll.actions].slice(0, CHUNK);
    const tcp = view.tcp;
    const first: Vec3 = [tcp[0] + r.action[0], tcp[1] + r.action[1], tcp[2] + r.action[2]];
    const fullPath = [first, ...roll.path];
    const future = Array.from({ length: FUTURE_POINTS }, (_, j) => fullPath[Math.min(fullPath.length - 1, (j + 1) * FUTURE_STRIDE - 1)]);
    let move = moveOf(r.action, this.prevGrip);
    if (move === 'stop' && r.phase === 'grasp') move = 'close gripper';
    if (move === 'stop' && r.phase === 'release') move = 'open gripper';
    const reasoning = labelReasoning(ep.env, plan, Math.min(r.state.subtask, plan.length - 1), move, [tcp, ...future]);
    this.prevGrip = r.action[6];
    return { actions, path: fullPath.slice(0, CHUNK), reasoning };
  }
}
