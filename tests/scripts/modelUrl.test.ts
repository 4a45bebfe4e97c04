import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkModel, resolveModelDir } from '../../scripts/lib/evalModel';
import { downloadModel, modelUrlDir } from '../../scripts/lib/modelUrl';
import { parseEvalArgs } from '../../scripts/lib/evalArgs';

// `--model URL` (scripts/lib/modelUrl.ts): the shipped model served over HTTP is downloaded into a folder of
// its own and then passes the same check as a folder on disk; a broken folder URL is refused by name.

const SHIPPED = 'public/models/vla-small';
let server: Server;
let base = '';
const served: Record<string, { status: number; body: Buffer | string }> = {};

beforeAll(async () => {
  served['/ok/manifest.json'] = { status: 200, body: readFileSync(join(SHIPPED, 'manifest.json')) };
  served['/ok/model.onnx'] = { status: 200, body: readFileSync(join(SHIPPED, 'model.onnx')) };
  served['/escape/manifest.json'] = { status: 200, body: JSON.stringify({ model: '../../etc/passwd' }) };
  served['/notjson/manifest.json'] = { status: 200, body: '{ nope' };
  server = createServer((req, res) => {
    const f = served[req.url ?? ''];
    res.writeHead(f?.status ?? 404);
    res.end(f?.body ?? 'not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('--model URL', () => {
  it('downloads the folder and the model passes the same check as on disk', async () => {
    const url = `${base}/ok`;
    const dir = resolveModelDir(url);
    expect(dir).toBe(modelUrlDir(url));
    await downloadModel(url, dir);
    expect(existsSync(join(dir, 'model.onnx'))).toBe(true);
    const checked = await checkModel(dir);
    const shipped = await checkModel(SHIPPED, { session: false });
    expect(checked.sha256).toBe(shipped.sha256);
    const o = parseEvalArgs(['--suite', 'goal', '--policy', 'model', '--model', url]);
    expect(o).toMatchObject({ modelUrl: url, modelDir: dir });
  }, 120_000);

  it('refuses a missing folder, a manifest that is not JSON, and a model file outside the folder', async () => {
    await expect(downloadModel(`${base}/missing`, modelUrlDir('x1'))).rejects.toThrow(/manifest.json: HTTP 404/);
    await expect(downloadModel(`${base}/notjson`, modelUrlDir('x2'))).rejects.toThrow(/not valid JSON/);
    await expect(downloadModel(`${base}/escape`, modelUrlDir('x3'))).rejects.toThrow(/plain file name/);
    await expect(downloadModel('http://127.0.0.1:9/none', modelUrlDir('x4'))).rejects.toThrow(/could not fetch manifest.json/);
  });
});
