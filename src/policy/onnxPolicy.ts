import type { InferenceSession, Tensor } from 'onnxruntime-web';
import { CONTRACT } from './contract';
import { checkModelSignature, parseManifest, ManifestError, type Manifest } from './manifest';
import { imageToCHW, normalize, resizeRGB, selectProprio } from './preprocess';
import { tokenize, words, type Tokens } from './tokenizer';
import { decodeOutputs, type ModelDecision } from './decode';

/** The parts of onnxruntime (web or node) this wrapper uses; lets the same code run in a worker and in Node. */
export interface OrtModule {
  InferenceSession: { create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
  Tensor: new (type: 'float32' | 'int32', data: Float32Array | Int32Array, dims: readonly number[]) => Tensor;
}

export interface PolicyObservation {
  images: Record<string, Uint8Array>;
  proprio: Float32Array;
  instruction: string;
}

/** A learned VLA behind onnxruntime: manifest-checked inputs in, decoded decision out. */
export class OnnxPolicy {
  private constructor(
    readonly manifest: Manifest,
    private readonly ort: OrtModule,
    private readonly session: InferenceSession,
  ) {}

  static async load(ort: OrtModule, model: Uint8Array, manifestJson: unknown, options: InferenceSession.SessionOptions = {}): Promise<OnnxPolicy> {
    const manifest = parseManifest(manifestJson);
    let session: InferenceSession;
    try {
      session = await ort.InferenceSession.create(model, { graphOptimizationLevel: 'all', ...options });
    } catch (e) {
      throw new ManifestError(`the model file could not be loaded: ${(e as Error).message}`);
    }
    // Older runtimes have no metadata; the names are checked in any case.
    const meta = (session as Partial<Pick<InferenceSession, 'inputMetadata'>>).inputMetadata ?? [];
    checkModelSignature(manifest, session.inputNames, session.outputNames, meta);
    return new OnnxPolicy(manifest, ort, session);
  }

  /** The instruction as the model reads it; a model without text input reads nothing (no ids). */
  tokenize(instruction: string): Tokens {
    const tok = this.manifest.tokenizer;
    return tok ? tokenize(instruction, tok) : { ids: new Int32Array(0), words: words(instruction), unknown: [], truncated: [] };
  }

  /** Raw forward pass: named outputs as flat float arrays with their dims. */
  async forward(obs: PolicyObservation, tokens = this.tokenize(obs.instruction)): Promise<Record<string, { data: Float32Array; dims: number[] }>> {
    const m = this.manifest;
    const feeds: Record<string, Tensor> = {};
    for (const cam of m.cameras) {
      const img = obs.images[cam.name];
      if (!img) throw new Error(`observation has no "${cam.name}" camera image`);
      // The simulator renders every camera at the contract's size; other resolutions are resampled here.
      const src = CONTRACT.cameras.find((c) => c.name === cam.name)!;
      const rgb = img.length === cam.width * cam.height * 3 ? img : resizeRGB(img, src.width, src.height, cam.width, cam.height);
      feeds[`image_${cam.name}`] = new this.ort.Tensor('float32', imageToCHW(rgb, cam.width, cam.height, cam.normalization), [1, 3, cam.height, cam.width]);
    }
    if (m.tokenizer) feeds.tokens = new this.ort.Tensor('int32', tokens.ids, [1, tokens.ids.length]);
    const layout = m.proprio.layout;
    if (layout.length) {
      const x = selectProprio(obs.proprio, layout, CONTRACT.proprio.layout);
      feeds[CONTRACT.proprio.input] = new this.ort.Tensor('float32', normalize(x, m.proprio.mean, m.proprio.std), [1, layout.length]);
    }
    const res = await this.session.run(feeds);
    const out: Record<string, { data: Float32Array; dims: number[] }> = {};
    for (const [k, t] of Object.entries(res)) {
      out[k] = { data: t.data as Float32Array, dims: [...t.dims] };
      t.dispose?.();
    }
    return out;
  }

  async decide(obs: PolicyObservation): Promise<ModelDecision> {
    const tokens = this.tokenize(obs.instruction);
    const raw = await this.forward(obs, tokens);
    return decodeOutputs(this.manifest, raw, obs.proprio, tokens);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
