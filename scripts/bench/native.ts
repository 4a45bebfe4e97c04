import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getMujoco } from '../../src/sim/mujoco';
import { exportMjcf } from '../export-mjcf';
import { median, round, type BenchSection } from './section';

// Native MuJoCo (Debian's libmujoco-samples `testspeed`, MuJoCo 2.2.2) against MuJoCo WASM in Node on the
// same file: the tabletop scene exported in MuJoCo 2.2's dialect (scripts/export-mjcf.ts lists what
// differs) with an episode's start state as keyframe "test", which testspeed loads. Both run passive
// dynamics from that state with zero controls, alternating, in the same process run.

const TASK = 'object/red_to_bowl';
const SEED = 1_000_000;

function findTestspeed(): string | null {
  const r = spawnSync('dpkg', ['-L', 'libmujoco-samples'], { encoding: 'utf8' });
  const listed = r.status === 0 ? r.stdout.split('\n').find((l) => /\/bin\/[^/]*testspeed$/.test(l)) : undefined;
  if (listed && existsSync(listed)) return listed;
  for (const p of ['/usr/bin/mujoco-testspeed', '/usr/bin/testspeed']) if (existsSync(p)) return p;
  return null;
}

function runNative(bin: string, file: string, steps: number) {
  const r = spawnSync(bin, [file, String(steps), '1', '0'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`testspeed failed (${r.status}): ${r.stderr || r.stdout}`);
  const num = (label: string) => {
    const m = r.stdout.match(new RegExp(`${label}\\s*:\\s*([\\d.]+)`));
    if (!m) throw new Error(`testspeed printed no "${label}":\n${r.stdout}`);
    return Number(m[1]);
  };
  return { stepsPerS: num('Steps per second'), contacts: num('Contacts per step'), constraints: num('Constraints per step'), dof: num('Degrees of freedom') };
}

async function runWasm(xml: string, steps: number) {
  const mj = await getMujoco();
  const path = `/bench_${Math.random().toString(36).slice(2)}.xml`;
  mj.FS.writeFile(path, xml);
  const model = mj.MjModel.mj_loadXML(path);
  mj.FS.unlink(path);
  const data = new mj.MjData(model);
  try {
    mj.mj_resetDataKeyframe(model, data, 0);
    let contacts = 0;
    let constraints = 0;
    const t0 = performance.now();
    for (let k = 0; k < steps; k++) {
      mj.mj_step(model, data);
      contacts += data.ncon;
      constraints += data.nefc;
    }
    const s = (performance.now() - t0) / 1000;
    return { stepsPerS: steps / s, contacts: contacts / steps, constraints: constraints / steps, dof: model.nv };
  } finally {
    data.delete();
    model.delete();
  }
}

const section: BenchSection = {
  name: 'native_vs_wasm',
  order: 20,
  async run(ctx) {
    const bin = findTestspeed();
    if (!bin) return { skipped: 'no testspeed binary: apt-get install libmujoco-samples' };
    const dir = mkdtempSync(join(tmpdir(), 'vla-bench-'));
    try {
      const xml = await exportMjcf({ task: TASK, seed: SEED, mujoco2: true });
      const file = join(dir, 'tabletop.xml');
      writeFileSync(file, xml);
      const steps = ctx.quick ? 1000 : 5000;
      const repeats = ctx.quick ? 1 : 3;
      const native: ReturnType<typeof runNative>[] = [];
      const wasm: Awaited<ReturnType<typeof runWasm>>[] = [];
      await runWasm(xml, 3000); // WASM compiles in tiers: warm up before timing
      for (let r = 0; r < repeats; r++) {
        native.push(runNative(bin, file, steps));
        wasm.push(await runWasm(xml, steps));
      }
      const n = median(native.map((x) => x.stepsPerS));
      const w = median(wasm.map((x) => x.stepsPerS));
      ctx.log(`native ${n.toFixed(0)} steps/s, wasm ${w.toFixed(0)} steps/s`);
      const ver = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'libmujoco-samples'], { encoding: 'utf8' }).stdout.trim();
      return {
        scene: `tabletop, start state of ${TASK} seed ${SEED}, exported for MuJoCo 2.2 (scripts/export-mjcf.ts)`,
        steps,
        repeats,
        native: {
          binary: bin,
          mujoco: ver ? `libmujoco-samples ${ver}` : 'unknown',
          steps_per_s: round(n),
          contacts_per_step: native[0].contacts,
          constraints_per_step: native[0].constraints,
          dof: native[0].dof,
        },
        wasm_node: {
          mujoco: 'mujoco npm (WASM) in Node',
          steps_per_s: round(w),
          contacts_per_step: round(wasm[0].contacts),
          constraints_per_step: round(wasm[0].constraints),
          dof: wasm[0].dof,
        },
        native_over_wasm: round(n / w),
        note:
          'Same file and start state; MuJoCo 2.2.2 (native) and 3.x (WASM) differ in collision and solver details, so ' +
          'contact counts are listed to show the two simulate the same situation.',
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default section;
