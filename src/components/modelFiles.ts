import type { ModelFiles } from '../workers/policyProtocol';

// A model a person brings as files (dropped or picked): manifest.json and the ONNX file it names, read in
// the page and handed to the policy worker. Missing or extra files are refused in words.

export async function readModelFiles(list: readonly File[]): Promise<ModelFiles> {
  const manifests = list.filter((f) => f.name.toLowerCase().endsWith('.json'));
  const models = list.filter((f) => f.name.toLowerCase().endsWith('.onnx'));
  if (manifests.length !== 1 || models.length === 0) {
    throw new Error(`drop manifest.json and the .onnx file it names together (got ${list.map((f) => f.name).join(', ') || 'nothing'})`);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(await manifests[0].text());
  } catch (e) {
    throw new Error(`${manifests[0].name} is not valid JSON (${(e as Error).message})`, { cause: e });
  }
  const named = (manifest as { model?: unknown }).model;
  const file = typeof named === 'string' ? models.find((f) => f.name === named) : models.length === 1 ? models[0] : undefined;
  if (!file) throw new Error(`the manifest names the model file "${String(named ?? 'model.onnx')}", which was not among the files (${models.map((f) => f.name).join(', ')})`);
  return { manifest, model: new Uint8Array(await file.arrayBuffer()), fileName: file.name };
}
