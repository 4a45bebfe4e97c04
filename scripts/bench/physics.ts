import { TabletopEnv, SUBSTEPS } from '../../src/sim/env';
import { Episode } from '../../src/sim/episode';
import { ExpertPolicy } from '../../src/sim/expertPolicy';
import { getTask } from '../../src/sim/tasks';
import { median, round, type BenchSection } from './section';

// Physics and control in Node (MuJoCo WASM): raw mj_step throughput on the tabletop scene, the
// controller's cost per 10 Hz control step (IK + 50 physics steps), and the scripted expert's decision
// time, with the arm idle and with the expert working.

const LAYOUT = { task: 'object/red_to_bowl', seed: 1_000_000 };
const EXPERT_TASKS = ['object/red_to_bowl', 'long/stack_then_plate', 'goal/open_drawer', 'chains/five'];

const section: BenchSection = {
  name: 'physics_node',
  order: 10,
  async run(ctx) {
    const env = await TabletopEnv.create();
    const { mj, model, data } = env;
    const init = getTask(LAYOUT.task).sample(LAYOUT.seed).init;
    const repeats = ctx.quick ? 1 : 3;

    // WASM code is compiled in tiers: the first few thousand steps run slower. Warm up before timing.
    env.reset(init);
    for (let k = 0; k < 3000; k++) mj.mj_step(model, data);
    for (let k = 0; k < 10; k++) env.step([0, 0, 0, 0, 0, 0, -1]);

    // Raw mj_step from the episode's start, servos holding the start pose (no controller).
    const rawSteps = ctx.quick ? 1000 : 4000;
    const raw: number[] = [];
    let contacts = 0;
    for (let r = 0; r < repeats; r++) {
      env.reset(init);
      contacts = 0;
      const t0 = performance.now();
      for (let k = 0; k < rawSteps; k++) {
        mj.mj_step(model, data);
        contacts += data.ncon;
      }
      raw.push(rawSteps / ((performance.now() - t0) / 1000));
    }
    ctx.log(`raw mj_step: ${median(raw).toFixed(0)} steps/s`);

    // The controller with zero actions: IK + 50 substeps per control step.
    const idleControl = ctx.quick ? 20 : 80;
    const idle: number[] = [];
    for (let r = 0; r < repeats; r++) {
      env.reset(init);
      const t0 = performance.now();
      for (let k = 0; k < idleControl; k++) env.step([0, 0, 0, 0, 0, 0, -1]);
      idle.push((performance.now() - t0) / idleControl);
    }

    // The expert at work: decision time and control-step time measured separately.
    const decide: number[] = [];
    const control: number[] = [];
    let expertWall = 0;
    let expertSteps = 0;
    for (const task of ctx.quick ? EXPERT_TASKS.slice(0, 1) : EXPERT_TASKS) {
      const ep = Episode.fromTask(env, task, 1_000_000);
      const pol = new ExpertPolicy();
      const t0 = performance.now();
      while (!ep.done) {
        const a = performance.now();
        const d = pol.decide(ep);
        const b = performance.now();
        ep.apply(d.actions[0]);
        const c = performance.now();
        decide.push(b - a);
        control.push(c - b);
      }
      expertWall += performance.now() - t0;
      expertSteps += ep.step;
    }
    env.dispose();
    const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
    const physicsUs = 1e6 / median(raw);
    const controlMs = median(control);
    return {
      scene: `${LAYOUT.task} seed ${LAYOUT.seed} start state`,
      raw_mj_step: { steps_per_s: round(median(raw)), us_per_step: round(physicsUs), contacts_per_step: round(contacts / rawSteps), steps: rawSteps, repeats },
      control_zero_action: {
        physics_steps_per_s: round((SUBSTEPS * 1000) / median(idle)),
        control_step_ms: round(median(idle)),
        control_steps: idleControl,
      },
      control_with_expert: {
        physics_steps_per_s: round((SUBSTEPS * 1000 * control.length) / sum(control)),
        control_step_ms: { median: round(controlMs), mean: round(sum(control) / control.length), p95: round(percentile(control, 0.95)) },
        // What the controller adds on top of the 50 physics steps: IK solve, servo ramp, health checks.
        controller_overhead_ms: round(controlMs - (SUBSTEPS * physicsUs) / 1000),
        expert_decide_ms: { median: round(median(decide)), mean: round(sum(decide) / decide.length), p95: round(percentile(decide, 0.95)) },
        episodes: ctx.quick ? 1 : EXPERT_TASKS.length,
        control_steps: expertSteps,
        control_steps_per_s: round(expertSteps / (expertWall / 1000)),
        realtime_factor: round(expertSteps / 10 / (expertWall / 1000)),
      },
    };
  },
};

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

export default section;
