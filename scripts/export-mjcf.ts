// Export the tabletop scene as a standalone MJCF file with an episode's initial state as a keyframe,
// optionally in the dialect of MuJoCo 2.2 (Debian's native `mujoco-testspeed`, used by `npm run bench`).
//
//   npx tsx scripts/export-mjcf.ts [--task ID] [--seed S] [--mujoco2] [--out FILE]
//
// Differences of the --mujoco2 export from the app's scene (src/sim/scene.ts):
// - the <flag multiccd="enable"/> option (MuJoCo >= 3.0) is dropped: MuJoCo 2.2 rejects it. Flat
//   cylinder-on-box contacts (plate, bowl) then get a single contact point instead of several;
// - the arm and finger position servos become affine `general` actuators whose control is an offset
//   from the keyframe pose (force = kp * (ctrl + q_start - q)): testspeed drives every control with noise
//   around zero and cannot hold targets, so this makes "ctrl = 0" mean "hold the start pose". There is
//   no gravity compensation (the app's controller adds it; testspeed has no controller);
// - the episode's start state is a keyframe named "test", which testspeed loads before timing.
// The keyframe and actuator rewrite are applied to both exports, so the WASM and native runs of the bench
// simulate exactly the same model from the same state.

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { TabletopEnv } from '../src/sim/env';
import { buildSceneXml } from '../src/sim/scene';
import { getTask } from '../src/sim/tasks';

export interface ExportOptions {
  task?: string;
  seed?: number;
  /** Drop the MuJoCo 3.x-only settings so MuJoCo 2.2 loads the file. */
  mujoco2?: boolean;
}

// Shortest round-trip form: the keyframe is the start state to the last bit (before MuJoCo renormalises quaternions).
const num = (x: number) => String(x);

/** The scene XML with the start state of (task, seed) as keyframe "test" and offset servos. */
export async function exportMjcf(opts: ExportOptions = {}): Promise<string> {
  const task = opts.task ?? 'object/red_to_bowl';
  const seed = opts.seed ?? 1_000_000;
  let xml = buildSceneXml();
  const env = await TabletopEnv.create(xml);
  try {
    env.reset(getTask(task).sample(seed).init);
    const qpos = Array.from(env.data.qpos as Float64Array);
    const jntQpos = env.model.jnt_qposadr as Int32Array;
    const qOf = (joint: string) => qpos[jntQpos[env.mj.mj_name2id(env.model, env.mj.mjtObj.mjOBJ_JOINT.value, joint)]];
    xml = xml.replace(/<position name="([^"]+)" joint="([^"]+)" kp="([^"]+)" ctrllimited="true" ctrlrange="[^"]+"/g, (_m, name: string, joint: string, kp: string) => {
      const k = Number(kp);
      return `<general name="${name}" joint="${joint}" gaintype="fixed" gainprm="${num(k)}" biastype="affine" biasprm="${num(k * qOf(joint))} ${num(-k)} 0"`;
    });
    if (/<position /.test(xml)) throw new Error('export-mjcf: an actuator was not converted; update the pattern');
    const key = `  <keyframe>\n    <key name="test" qpos="${qpos.map(num).join(' ')}"/>\n  </keyframe>\n</mujoco>`;
    xml = xml.replace(/<\/mujoco>\s*$/, key + '\n');
    if (opts.mujoco2) {
      xml = xml.replace(/\s*<!--[\s\S]*?-->\s*<flag multiccd="enable"\/>\s*/g, '').replace(/<option([^>]*)>\s*<\/option>/, '<option$1/>');
      if (/multiccd/.test(xml)) throw new Error('export-mjcf: the multiccd flag was not removed; update the pattern');
    }
    return `<!-- exported by scripts/export-mjcf.ts: task ${task}, seed ${seed}${opts.mujoco2 ? ', MuJoCo 2.2 dialect' : ''} -->\n${xml}`;
  } finally {
    env.dispose();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      task: { type: 'string' },
      seed: { type: 'string' },
      mujoco2: { type: 'boolean', default: false },
      out: { type: 'string' },
    },
  });
  const xml = await exportMjcf({ task: values.task, seed: values.seed === undefined ? undefined : Number(values.seed), mujoco2: values.mujoco2 });
  if (values.out) writeFileSync(values.out, xml);
  else process.stdout.write(xml);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
