import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type StaticServer } from '../../scripts/lib/browser';
import { UsageError } from '../../scripts/lib/cli';
import { parseEvalArgs } from '../../scripts/lib/evalArgs';
import { checkModel, MOUNT_PREFIX } from '../../scripts/lib/evalModel';
import type { EvalReport } from '../../scripts/lib/evalReport';

// `eval --model DIR` evaluates the model in DIR: not a same-named model shipped in public/, and a broken
// one is refused with its path before anything runs. `--out` is checked before the first episode.

const ROOT = resolve(import.meta.dirname, '../..');
const SHIPPED = join(ROOT, 'public/models/vla-small');
let tmp: string;

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A copy of the shipped model in `dir`; `mutate` edits its manifest and model bytes. */
function copyModel(dir: string, mutate?: (m: Record<string, unknown>, bytes: Buffer) => Buffer): string {
  mkdirSync(dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(SHIPPED, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  let bytes: Buffer = readFileSync(join(SHIPPED, String(manifest.model)));
  if (mutate) bytes = mutate(manifest, bytes);
  writeFileSync(join(dir, String(manifest.model)), bytes);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

/**
 * The shipped model with different bytes and the same behaviour: an unknown protobuf field (number 1000,
 * varint 1) appended to the ModelProto, which parsers skip. Its manifest states the new size and hash.
 */
function variantModel(dir: string): string {
  return copyModel(dir, (m, bytes) => {
    const out = Buffer.concat([bytes, Buffer.from([0xc0, 0x3e, 0x01])]);
    m.model_bytes = out.length;
    m.model_sha256 = sha(out);
    return out;
  });
}

function evalCli(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/eval.ts', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'vla-eval-model-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('eval --model DIR', () => {
  it('loads a model outside public/ from its own directory, even when public/ has one of the same name', () => {
    const dir = copyModel(join(tmp, 'elsewhere', 'vla-small'));
    const o = parseEvalArgs(['--suite', 'goal', '--policy', 'model', '--model', dir]);
    expect(o.modelDir).toBe(dir);
    expect(o.model).toBe(`${MOUNT_PREFIX}/vla-small`);
    expect(o.model).not.toBe('models/vla-small');
    // A model in public/ keeps its URL path in the app; a bare name is a shipped model.
    expect(parseEvalArgs(['--suite', 'goal', '--policy', 'model']).modelDir).toBe(SHIPPED);
    expect(parseEvalArgs(['--suite', 'goal', '--policy', 'model', '--model', 'vla-small'])).toMatchObject({ model: 'models/vla-small', modelDir: SHIPPED });
  });

  it('hashes the bytes in the directory given', async () => {
    const dir = variantModel(join(tmp, 'variant', 'vla-small'));
    const m = await checkModel(dir);
    expect(m.sha256).toBe(sha(readFileSync(join(dir, 'model.onnx'))));
    expect(m.sha256).not.toBe(JSON.parse(readFileSync(join(SHIPPED, 'manifest.json'), 'utf8')).model_sha256);
  });

  it.each([
    ['a missing directory', (d: string) => d, /no such directory/],
    ['no manifest', (d: string) => (mkdirSync(d, { recursive: true }), d), /no manifest\.json in it/],
    ['a manifest that is HTML', (d: string) => (mkdirSync(d, { recursive: true }), writeFileSync(join(d, 'manifest.json'), '<!doctype html><html>'), d), /manifest\.json is not valid JSON/],
    ['a manifest of another contract', (d: string) => copyModel(d, (m, b) => ((m.action as { chunk_length: number }).chunk_length = 3, b)), /does not fit this app/],
    ['a missing model file', (d: string) => (copyModel(d), rmSync(join(d, 'model.onnx')), d), /names the model file "model.onnx", which is not there/],
    ['a model file its manifest does not describe', (d: string) => copyModel(d, (_m, b) => Buffer.concat([b, Buffer.from([0xc0, 0x3e, 0x01])])), /bytes but its manifest says/],
    ['a corrupt model file', (d: string) => copyModel(d, (m, b) => {
      const bad = Buffer.from(b.subarray(0, 5000));
      m.model_bytes = bad.length;
      m.model_sha256 = sha(bad);
      return bad;
    }), /does not load/],
  ])('refuses %s, naming the directory', async (name, make, why) => {
    const dir = make(join(tmp, name.replace(/\W+/g, '_'), 'vla-small'));
    const err = await checkModel(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toContain(`--model ${dir}:`);
    expect((err as Error).message).toMatch(why);
  });

  it('exits 2 naming the path, without a stack trace, for a broken model outside public/', () => {
    const dir = copyModel(join(tmp, 'cli-broken', 'vla-small'), (m, b) => {
      m.model_sha256 = '0'.repeat(64);
      return b;
    });
    const r = evalCli(['--suite', 'goal', '--task', 'goal/press_button', '--trials', '1', '--policy', 'model', '--model', dir, '--no-build', '--dist', join(tmp, 'no-dist')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--model ${dir}:`);
    expect(r.stderr).toContain('SHA-256');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('the static server mounts directories', () => {
  let server: StaticServer;
  let dist: string;
  let model: string;
  beforeAll(async () => {
    dist = join(tmp, 'dist');
    mkdirSync(join(dist, 'models', 'm'), { recursive: true });
    writeFileSync(join(dist, 'runner.html'), '<!doctype html>');
    writeFileSync(join(dist, 'models', 'm', 'manifest.json'), '"the build\'s copy"');
    model = join(tmp, 'mounted');
    mkdirSync(model, { recursive: true });
    writeFileSync(join(model, 'manifest.json'), '"the directory given"');
    writeFileSync(join(tmp, 'secret.txt'), 'outside');
    server = await startServer(dist, 0, { mounts: { '/models/m/': model } });
  });
  afterAll(() => server.close());

  it('serves the mounted directory ahead of the build', async () => {
    expect(await (await fetch(`${server.url}models/m/manifest.json`)).text()).toBe('"the directory given"');
    expect((await fetch(`${server.url}runner.html`)).status).toBe(200);
  });

  it('names the mounted directory in a 404 and keeps requests inside it', async () => {
    const miss = await fetch(`${server.url}models/m/model.onnx`);
    expect(miss.status).toBe(404);
    expect(await miss.text()).toContain(model);
    expect((await fetch(`${server.url}models/m/..%2F..%2Fsecret.txt`)).status).toBe(403);
  });
});

describe('eval --out', () => {
  it('exits 2 before the first episode when the report cannot be written', () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    const out = join(file, 'report.json');
    const t0 = Date.now();
    const r = evalCli(['--suite', 'chains', '--trials', '3', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot write the --out report ${out}`);
    expect(r.stderr).not.toContain('ran ');
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it('still writes a report to a new folder', () => {
    const out = join(tmp, 'new', 'deeper', 'report.json');
    const r = evalCli(['--suite', 'goal', '--task', 'goal/press_button', '--trials', '1', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(out)).toBe(true);
    const rep = JSON.parse(readFileSync(out, 'utf8')) as EvalReport;
    expect(rep).toMatchObject({ policy: 'expert', model: null, model_sha256: null });
  });
});

// The whole path through the browser: needs a build (VLA_DIST, or one is made as tests/render does).
const DIST = process.env.VLA_DIST;
describe.skipIf(!DIST || !existsSync(join(DIST, 'runner.html')))('eval --model in the runner page', () => {
  it('evaluates and reports the model in the directory given, not the shipped one of the same name', () => {
    const dir = variantModel(join(tmp, 'page', 'vla-small'));
    const out = join(tmp, 'page-report.json');
    const r = evalCli(['--suite', 'goal', '--task', 'goal/press_button', '--trials', '1', '--policy', 'model', '--model', dir, '--no-build', '--dist', DIST!, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(readFileSync(out, 'utf8')) as EvalReport;
    expect(rep.model).toBe(dir);
    expect(rep.model_sha256).toBe(sha(readFileSync(join(dir, 'model.onnx'))));
    expect(rep.model_sha256).not.toBe(JSON.parse(readFileSync(join(SHIPPED, 'manifest.json'), 'utf8')).model_sha256);
  }, 240_000);
});
