import { BufferTarget, EncodedPacket, EncodedVideoPacketSource, Mp4OutputFormat, Output } from 'mediabunny';
import { hasWebCodecs, NO_WEBCODECS } from './webCodecs';

// The browser export's videos: WebCodecs' H.264 encoder, muxed into MP4 by mediabunny. The same settings as
// the CLI's ffmpeg (scripts/lib/lerobotVideo.ts), for the same reasons: H.264 4:2:0, a key frame every 2
// frames (LeRobot encodes with g=2: a training loader seeks to random frames), no B-frames (Constrained
// Baseline), so decode order is display order and frame t of an episode is exactly at from + t / fps.
// Each episode starts with a key frame and is encoded on its own, so its size is known before the episodes
// are packed into files, and the episodes of a file are joined without re-encoding, as the CLI joins them.
// One encoder per camera serves every episode: one decoder configuration (SPS/PPS) fits a whole file.

/** H.264 Constrained Baseline, level 3.1: no B-frames, every browser that encodes H.264 has it. */
export const H264_CODEC = 'avc1.42001f';
/** x264's CRF 18 in the CLI; the quantizer of WebCodecs' per-frame mode is the nearest knob. */
const QUANTIZER = 18;
/** Where the quantizer mode is missing: far above what 64 px frames need, so quality is not rate-limited. */
const BITRATE = 2_000_000;
const KEY_FRAME_EVERY = 2;

export class VideoUnsupportedError extends Error {}

/**
 * What the frames are handed to the encoder as: limited-range BT.601 4:2:0, what ffmpeg makes of the CLI's
 * RGB frames (yuv420p). Given RGB, Chrome converts to full-range YUV and the stream reads as yuvj420p, which
 * is not what info.json (video.pix_fmt) says, nor what LeRobot's own videos are.
 */
const BT601_LIMITED: VideoColorSpaceInit = { matrix: 'smpte170m', primaries: 'bt709', transfer: 'iec61966-2-1', fullRange: false };

/** RGB (row 0 = top) to I420 planes in `out` (Y, then U and V at half resolution: each the mean of its 2x2 block). */
export function rgbToI420(rgb: Uint8Array, w: number, h: number, out: Uint8Array): void {
  const cw = w >> 1;
  const ch = h >> 1;
  const u0 = w * h;
  const v0 = u0 + cw * ch;
  const clamp = (x: number) => (x < 0 ? 0 : x > 255 ? 255 : Math.round(x));
  for (let i = 0; i < w * h; i++) {
    const r = rgb[3 * i], g = rgb[3 * i + 1], b = rgb[3 * i + 2];
    out[i] = clamp(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255);
  }
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      let r = 0, g = 0, b = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
        const i = 3 * ((2 * y + dy) * w + 2 * x + dx);
        r += rgb[i];
        g += rgb[i + 1];
        b += rgb[i + 2];
      }
      r /= 4;
      g /= 4;
      b /= 4;
      out[u0 + y * cw + x] = clamp(128 + (-37.797 * r - 74.203 * g + 112 * b) / 255);
      out[v0 + y * cw + x] = clamp(128 + (112 * r - 93.786 * g - 18.214 * b) / 255);
    }
  }
}

/** One episode of one camera, encoded: one packet per frame, in order. */
export interface EncodedEpisode {
  packets: EncodedPacket[];
  bytes: number;
}

export interface FrameSize {
  width: number;
  height: number;
  fps: number;
}

async function chooseConfig(f: FrameSize): Promise<{ config: VideoEncoderConfig; quantizer: boolean }> {
  if (!hasWebCodecs()) throw new VideoUnsupportedError(NO_WEBCODECS);
  const base: VideoEncoderConfig = { codec: H264_CODEC, width: f.width, height: f.height, framerate: f.fps, avc: { format: 'avc' }, latencyMode: 'quality' };
  const candidates: Array<{ config: VideoEncoderConfig; quantizer: boolean }> = [
    { config: { ...base, bitrateMode: 'quantizer' }, quantizer: true },
    { config: { ...base, bitrate: BITRATE }, quantizer: false },
  ];
  for (const c of candidates) {
    const s = await VideoEncoder.isConfigSupported(c.config).catch(() => null);
    if (s?.supported) return c;
  }
  throw new VideoUnsupportedError(`this browser cannot encode H.264 video (${H264_CODEC}, ${f.width}x${f.height}) with WebCodecs: the camera videos cannot be encoded here`);
}

/** A camera's H.264 encoder, kept open across the episodes of an export. */
export class H264Encoder {
  private current: EncodedPacket[] = [];
  private failure: Error | null = null;
  /** The decoder configuration (with the avcC record) from the first output. */
  decoderConfig: VideoDecoderConfig | null = null;

  private constructor(
    private readonly encoder: VideoEncoder,
    private readonly size: FrameSize,
    private readonly quantizer: boolean,
  ) {}

  static async open(size: FrameSize): Promise<H264Encoder> {
    const { config, quantizer } = await chooseConfig(size);
    let self: H264Encoder | null = null;
    const encoder = new VideoEncoder({
      output: (chunk, meta) => {
        if (!self) return;
        if (meta?.decoderConfig && !self.decoderConfig) self.decoderConfig = meta.decoderConfig;
        self.current.push(EncodedPacket.fromEncodedChunk(chunk));
      },
      error: (e) => {
        if (self) self.failure = new Error(`the H.264 encoder failed: ${e.message}`);
      },
    });
    self = new H264Encoder(encoder, size, quantizer);
    encoder.configure(config);
    return self;
  }

  /** Encode `frames` RGB frames ([frames, H, W, 3], row 0 = top) as one episode starting with a key frame. */
  async encode(rgb: Uint8Array, frames: number): Promise<EncodedEpisode> {
    const { width: w, height: h, fps } = this.size;
    const n = w * h;
    if (w % 2 || h % 2) throw new Error(`4:2:0 video needs even image sizes, got ${w}x${h}`);
    if (rgb.length !== frames * n * 3) throw new Error(`${rgb.length} bytes of pixels for ${frames} frames of ${w}x${h} RGB`);
    this.current = [];
    const i420 = new Uint8Array((n * 3) / 2);
    for (let t = 0; t < frames; t++) {
      if (this.failure) throw this.failure;
      rgbToI420(rgb.subarray(t * n * 3, (t + 1) * n * 3), w, h, i420);
      const frame = new VideoFrame(i420, { format: 'I420', codedWidth: w, codedHeight: h, timestamp: Math.round((t * 1e6) / fps), duration: Math.round(1e6 / fps), colorSpace: BT601_LIMITED });
      try {
        this.encoder.encode(frame, { keyFrame: t % KEY_FRAME_EVERY === 0, ...(this.quantizer ? { avc: { quantizer: QUANTIZER } } : {}) });
      } finally {
        frame.close();
      }
    }
    await this.encoder.flush();
    if (this.failure) throw this.failure;
    const packets = this.current;
    this.current = [];
    if (packets.length !== frames) throw new Error(`the H.264 encoder returned ${packets.length} frames for ${frames}`);
    if (packets[0].type !== 'key') throw new Error('the H.264 encoder did not start the episode with a key frame');
    return { packets, bytes: packets.reduce((s, p) => s + p.byteLength, 0) };
  }

  close(): void {
    if (this.encoder.state !== 'closed') this.encoder.close();
  }
}

/** One MP4 file of whole episodes back to back, each frame at (frames before it) / fps. */
export async function muxEpisodes(episodes: readonly EncodedEpisode[], fps: number, decoderConfig: VideoDecoderConfig): Promise<Uint8Array> {
  const target = new BufferTarget();
  // In-memory fast start: the index goes first, as the CLI's +faststart puts it, for players that stream.
  const output = new Output({ format: new Mp4OutputFormat({ fastStart: 'in-memory' }), target });
  const source = new EncodedVideoPacketSource('avc');
  output.addVideoTrack(source, { frameRate: fps });
  await output.start();
  let frame = 0;
  for (const ep of episodes) {
    for (const p of ep.packets) {
      const packet = new EncodedPacket(p.data, p.type, frame / fps, 1 / fps, frame);
      await source.add(packet, frame === 0 ? { decoderConfig } : undefined);
      frame++;
    }
  }
  await output.finalize();
  if (!target.buffer) throw new Error('the MP4 muxer produced no file');
  return new Uint8Array(target.buffer);
}
