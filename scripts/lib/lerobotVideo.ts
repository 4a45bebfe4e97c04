import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { H264_VIDEO } from '../../src/export/lerobot/info';

// The LeRobot export's videos, made by Debian's ffmpeg (libx264): each episode is encoded on its own (so its
// size is known exactly and the packing of episodes into files is deterministic, as in LeRobot's own
// converter), then the episodes of one file are joined without re-encoding.
//
// Settings, and why:
// - H.264, yuv420p: plays everywhere (the Hub's viewer, browsers) and LeRobot's decoders read it.
// - a key frame every 2 frames (LeRobot encodes with g=2): a training loader seeks to random frames.
// - no B-frames: decode order = display order, so every frame's timestamp is exactly k / fps with no
//   composition offset, which is what from_timestamp + t / fps looks up.
// - one thread: the same input gives the same bytes, and the export shares the machine with training.

export const VIDEO_ENCODING = H264_VIDEO;
/** x264 quality (lower = better); 64 px images lose detail quickly, so higher quality than LeRobot's AV1 default. */
export const DEFAULT_CRF = 18;

/** Why ffmpeg cannot be used, or null when it can. */
export function ffmpegProblem(): string | null {
  for (const tool of ['ffmpeg', 'ffprobe']) {
    const r = spawnSync(tool, ['-hide_banner', '-version'], { encoding: 'utf8' });
    if (r.error || r.status !== 0) return `${tool} is not installed or does not run (${r.error?.message ?? r.stderr.trim()}); on Debian: apt-get install -y ffmpeg`;
  }
  const enc = spawnSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8' });
  if (!/\blibx264\b/.test(enc.stdout)) return 'this ffmpeg has no libx264 encoder (Debian\'s ffmpeg package has it)';
  return null;
}

function runFfmpeg(args: string[], input?: Uint8Array): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const p = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', ...args], { stdio: [input ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolvePromise() : reject(new Error(`ffmpeg ${args.join(' ')} exited with ${code}: ${err.trim()}`))));
    if (input) {
      // EPIPE when ffmpeg dies early is reported by 'close' with its own message.
      p.stdin!.on('error', () => {});
      p.stdin!.end(input);
    }
  });
}

export interface FrameFormat {
  width: number;
  height: number;
  fps: number;
}

/** Encode RGB frames ([n, height, width, 3], row 0 = top) to an MP4 file. */
export async function encodeFrames(rgb: Uint8Array, f: FrameFormat, out: string, crf = DEFAULT_CRF): Promise<void> {
  if (f.width % 2 || f.height % 2) throw new Error(`yuv420p needs even image sizes, got ${f.width}x${f.height}`);
  await runFfmpeg(
    [
      '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${f.width}x${f.height}`, '-framerate', String(f.fps), '-i', 'pipe:0',
      '-an', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-crf', String(crf), '-g', '2', '-bf', '0', '-threads', '1',
      '-y', out,
    ],
    rgb,
  );
}

/** Join MP4 files of identical encoding settings into `out`, in order, without re-encoding. */
export async function concatVideos(parts: string[], listFile: string, out: string): Promise<void> {
  // The concat demuxer's list syntax: quoted paths with ' escaped.
  writeFileSync(listFile, parts.map((p) => `file '${p.replace(/'/g, "'\\''")}'\n`).join(''));
  await runFfmpeg(['-f', 'concat', '-safe', '0', '-i', listFile, '-c', 'copy', '-movflags', '+faststart', '-y', out]);
}
