import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchManifestJson, fetchModelBytes, ModelBytesError } from '../../src/policy/modelLoader';

// A missing model folder, as servers really answer it: the dev server (and any single-page host) sends
// the app's index.html with status 200; a static server sends 404. Either way the message names the URL.

const PAGE = '<!doctype html>\n<html lang="en"><head><title>VLA Playground</title></head><body></body></html>';
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/ok/manifest.json') res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"model":"model.onnx"}');
    else if (path === '/ok/model.onnx') res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(Buffer.from([1, 2, 3]));
    else if (path === '/bad/manifest.json') res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"model": ');
    else if (path.startsWith('/untyped/')) res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(PAGE);
    else if (path.startsWith('/gone/')) res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    else res.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

describe('model folder faults', () => {
  it('says "no manifest.json at <url>" when a dev server answers with its HTML page', async () => {
    const err = await fetchManifestJson(`${base}/models/nope/`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelBytesError);
    expect((err as Error).message).toContain(`no manifest.json at ${base}/models/nope/manifest.json`);
    expect((err as Error).message).toMatch(/web page/);
    expect((err as Error).message).not.toMatch(/Unexpected token/);
  });

  it('recognises the page by its first bytes when the content type does not say', async () => {
    await expect(fetchManifestJson(`${base}/untyped`)).rejects.toThrow(`no manifest.json at ${base}/untyped/manifest.json`);
  });

  it('names the URL and the status for a 404, and the URL for JSON that is not', async () => {
    await expect(fetchManifestJson(`${base}/gone/`)).rejects.toThrow(`no manifest.json at ${base}/gone/manifest.json (404`);
    await expect(fetchManifestJson(`${base}/bad/`)).rejects.toThrow(`${base}/bad/manifest.json is not valid JSON`);
    expect(await fetchManifestJson(`${base}/ok`)).toEqual({ model: 'model.onnx' });
  });

  it('refuses a web page in place of the model file', async () => {
    const progress = () => undefined;
    await expect(fetchModelBytes(`${base}/models/nope/model.onnx`, 'k1', progress)).rejects.toThrow(`no model file at ${base}/models/nope/model.onnx`);
    await expect(fetchModelBytes(`${base}/untyped/model.onnx`, 'k2', progress)).rejects.toThrow(/web page/);
    expect(Array.from((await fetchModelBytes(`${base}/ok/model.onnx`, 'k3', progress)).bytes)).toEqual([1, 2, 3]);
  });
});
