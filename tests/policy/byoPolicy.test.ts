import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { OnnxPolicy, type OrtModule } from '../../src/policy/onnxPolicy';
import { toPolicyDecision, modelExtras, hasOutput } from '../../src/policy/modelDecision';
import { CONTRACT } from '../../src/policy/contract';
import { tinyPolicyFiles, writeTinyPolicy } from '../../scripts/lib/tinyPolicy';
import type { EvalReport } from '../../scripts/lib/evalReport';

// A policy a person brings (docs/byo-policy.md), built in the test: three proprio fields in, an action
// chunk out, no cameras, no text, no reasoning. It loads through the app's own loader and decoder, and
// a model that does not fit is refused naming the mismatch.

const ROOT = resolve(import.meta.dirname, '../..');
let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'vla-byo-'));
  ort.env.wasm.numThreads = 1;
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const load = (manifest: unknown, model = tinyPolicyFiles().model) => OnnxPolicy.load(ort as unknown as OrtModule, model, manifest, { executionProviders: ['wasm'] });
const proprio = () => {
  const p = new Float32Array(CONTRACT.proprio.layout.length);
  p.set([0.4, 0.1, 0.3]);
  return p;
};

describe('an action-only policy', () => {
  it('loads and decides: actions and a path, every other output family absent', async () => {
    const { manifest } = tinyPolicyFiles();
    const policy = await load(manifest);
    const d = await policy.decide({ images: {}, proprio: proprio(), instruction: 'anything at all' });
    expect(d.outputs).toEqual({ reasoning: false, points: false, boxes: false, attention: false });
    expect(d.fault).toBeNull();
    expect(d.actions).toHaveLength(8);
    // b + W x (z - 0.1): dx 0.003, dz -0.004 * 0.2, gripper open.
    expect(d.actions[0][0]).toBeCloseTo(0.003, 6);
    expect(d.actions[0][2]).toBeCloseTo(-0.0008, 6);
    expect(d.actions[0][6]).toBe(-1);
    expect(d.path).toHaveLength(8);
    expect(d.path[0][0]).toBeCloseTo(0.403, 6);
    expect(d.attention).toBeUndefined();
    expect(d.reasoning.plan).toEqual([]);
    const stored = toPolicyDecision(d, { backend: 'wasm', ms: 1, step: 0 }, 'x');
    expect(hasOutput(modelExtras(stored), 'reasoning')).toBe(false);
    expect(hasOutput(modelExtras(stored), 'attention')).toBe(false);
    await policy.release();
  });

  it.each([
    ['a camera the simulator lacks', (m: Record<string, unknown>) => (m.cameras = [{ name: 'top', width: 64, height: 64, normalization: { scale: 1 / 255 } }]), /the model wants camera 'top' which this simulator does not have/],
    ['a camera the model does not read', (m: Record<string, unknown>) => (m.cameras = [{ name: 'front', width: 96, height: 96, normalization: { scale: 1 / 255 } }]), /the manifest lists camera 'front' but the model has no input "image_front"/],
    ['more proprio fields than the model reads', (m: Record<string, unknown>) => ((m.proprio = { layout: ['tcp_x', 'tcp_y', 'tcp_z', 'q1'], scale: 1 }), delete m.inputs), /input proprio is \[1, 3\] but the manifest's proprio.layout has 4 fields/],
    ['a proprio field the simulator lacks', (m: Record<string, unknown>) => (m.proprio = { layout: ['tcp_x', 'tcp_y', 'joint_torque'], scale: 1 }), /proprio field 'joint_torque' which this simulator does not provide/],
    ['a tokenizer for a model without text input', (m: Record<string, unknown>) => (m.tokenizer = { ...CONTRACT.tokenizer, vocab: ['red'] }), /the manifest has a tokenizer but the model has no input "tokens"/],
  ])('refuses %s, naming it', async (_name, edit, message) => {
    const m = tinyPolicyFiles().manifest;
    edit(m);
    await expect(load(m)).rejects.toThrow(message);
  });
});

function evalCli(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/eval.ts', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// The browser path needs a build (VLA_DIST), as tests/scripts/evalModel.test.ts does.
const DIST = process.env.VLA_DIST;
describe.skipIf(!DIST || !existsSync(join(DIST, 'runner.html')))('eval --model DIR with an action-only policy', () => {
  it('runs an episode in the runner page and reports the model', () => {
    const dir = writeTinyPolicy(join(tmp, 'tiny'));
    const out = join(tmp, 'report.json');
    const r = evalCli(['--suite', 'goal', '--task', 'goal/press_button', '--trials', '1', '--policy', 'model', '--model', dir, '--no-build', '--dist', DIST!, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(readFileSync(out, 'utf8')) as EvalReport;
    expect(rep.model).toBe(dir);
  }, 240_000);
});
