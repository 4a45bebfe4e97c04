import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportMjcf } from '../../scripts/export-mjcf';
import { TabletopEnv } from '../../src/sim/env';
import { getMujoco } from '../../src/sim/mujoco';
import { getTask } from '../../src/sim/tasks';

// The MJCF export behind `npm run bench`'s native comparison: MuJoCo 2.2's testspeed loads it, the
// keyframe is the episode's start state, and with zero controls the servos hold that state.

const ROOT = resolve(import.meta.dirname, '../..');
const TESTSPEED = '/usr/bin/mujoco-testspeed';
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vla-mjcf-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('export-mjcf', () => {
  it('stores the episode start state as keyframe "test" and holds it with zero controls', async () => {
    const xml = await exportMjcf({ task: 'goal/red_on_plate', seed: 1_000_009, mujoco2: true });
    expect(xml).not.toMatch(/multiccd|<position /);
    const mj = await getMujoco();
    mj.FS.writeFile('/export_test.xml', xml);
    const model = mj.MjModel.mj_loadXML('/export_test.xml');
    mj.FS.unlink('/export_test.xml');
    const data = new mj.MjData(model);
    const env = await TabletopEnv.create();
    try {
      env.reset(getTask('goal/red_on_plate').sample(1_000_009).init);
      mj.mj_resetDataKeyframe(model, data, 0);
      const q0 = Array.from(data.qpos as Float64Array);
      const start = Array.from(env.data.qpos as Float64Array);
      expect(q0.length).toBe(start.length);
      q0.forEach((x, i) => expect(Math.abs(x - start[i]), `qpos[${i}]`).toBeLessThan(1e-12));
      for (let k = 0; k < 500; k++) mj.mj_step(model, data); // 1 s, no controller, ctrl = 0
      const q = data.qpos as Float64Array;
      // Servos hold the arm near its start pose (no gravity compensation here: a small sag).
      for (const a of env.armQposAdr) expect(Math.abs(q[a] - q0[a]), `joint at qpos ${a}`).toBeLessThan(0.02);
      // Objects rest where they were.
      const red = env.freeQposAdr.red_cube!;
      expect(Math.hypot(q[red] - q0[red], q[red + 1] - q0[red + 1], q[red + 2] - q0[red + 2])).toBeLessThan(0.003);
    } finally {
      env.dispose();
      data.delete();
      model.delete();
    }
  });

  it.runIf(existsSync(TESTSPEED) || process.env.CI)('loads in native MuJoCo 2.2 (testspeed), starting from the episode state', async () => {
    const file = join(dir, 'tabletop.xml');
    writeFileSync(file, await exportMjcf({ mujoco2: true }));
    const r = spawnSync(TESTSPEED, [file, '500', '1', '0'], { encoding: 'utf8' });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const contacts = Number(r.stdout.match(/Contacts per step\s*:\s*([\d.]+)/)![1]);
    const dof = Number(r.stdout.match(/Degrees of freedom\s*:\s*(\d+)/)![1]);
    const env = await TabletopEnv.create();
    try {
      expect(dof).toBe(env.model.nv);
    } finally {
      env.dispose();
    }
    // Cubes on the table (4 corners each), the plate and bowl bases: the start state, not a pile-up.
    expect(contacts).toBeGreaterThan(10);
    expect(contacts).toBeLessThan(30);
  });

  it('the app scene itself (3.x dialect, multiccd) also loads from the exported file', async () => {
    const xml = await exportMjcf({ mujoco2: false });
    expect(xml).toContain('multiccd');
    const env = await TabletopEnv.create(xml.replace(/^<!--.*-->\n/, ''));
    env.dispose();
  });

  it('bench prints the native/WASM ratio as JSON (quick run)', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench.ts', '--quick', '--only', 'native_vs_wasm'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { native_vs_wasm: { native_over_wasm?: number; skipped?: string } };
    if (existsSync(TESTSPEED)) expect(out.native_vs_wasm.native_over_wasm).toBeGreaterThan(0);
    else expect(out.native_vs_wasm.skipped).toMatch(/testspeed/);
  });
});
