import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegProblem } from '../../scripts/lib/lerobotVideo';
import { writeNpy } from '../../scripts/lib/npy';
import { meanColours, ParquetReader, probeVideo, type Row } from './lerobotReadBack';
import { FIXTURE_CAMERAS, frameColour, writeFixture, type FixtureEpisode } from './lerobotFixture';

// npm run export-lerobot (docs/lerobot.md), read back by readers that share nothing with the writer:
// DuckDB for the Parquet files, ffprobe/ffmpeg for the videos, JSON.parse for the metadata, all checked
// against the source dataset's own arrays. ffmpeg comes from Debian (scripts/test-all.sh installs it).

const ROOT = resolve(import.meta.dirname, '../..');
const FPS = 10;
const LENGTHS = [6, 9, 5];
const INSTRUCTIONS = ['put the red cube in the blue bowl', 'open the drawer', 'put the red cube in the blue bowl'];
const TASKS = ['put the red cube in the blue bowl', 'open the drawer'];
const KEYS = FIXTURE_CAMERAS.map((c) => `observation.images.${c.name}`);
const STACK = /\n\s+at /;

let tmp: string;
let src: string;
let out: string;
let eps: FixtureEpisode[];
let reader: ParquetReader;

function exportCli(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/export-lerobot.ts', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const rows = (sql: string): Promise<Row[]> => reader.rows(sql);
const num = (v: unknown) => Number(v);
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

beforeAll(async () => {
  expect(ffmpegProblem(), 'ffmpeg is needed: scripts/test-all.sh installs Debian\'s ffmpeg').toBeNull();
  tmp = mkdtempSync(join(tmpdir(), 'vla-lerobot-test-'));
  src = join(tmp, 'demos');
  out = join(tmp, 'lerobot');
  eps = writeFixture(src, LENGTHS, INSTRUCTIONS);
  reader = await ParquetReader.open();
  const r = exportCli(['--in', src, '--out', out]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain('3 episodes, 20 frames, 2 tasks');
});
afterAll(() => {
  reader?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('npm run export-lerobot: a LeRobot v3.0 dataset', () => {
  it('writes meta/info.json with the keys of LeRobot\'s DatasetInfo and the features of every column', () => {
    const info = json(join(out, 'meta/info.json'));
    expect(Object.keys(info).sort()).toEqual(
      ['codebase_version', 'robot_type', 'total_episodes', 'total_frames', 'total_tasks', 'chunks_size', 'data_files_size_in_mb', 'video_files_size_in_mb', 'fps', 'splits', 'data_path', 'video_path', 'features'].sort(),
    );
    expect(info).toMatchObject({
      codebase_version: 'v3.0', total_episodes: 3, total_frames: 20, total_tasks: 2, chunks_size: 1000, data_files_size_in_mb: 100, video_files_size_in_mb: 200, fps: FPS,
      splits: { train: '0:3' },
      data_path: 'data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet',
      video_path: 'videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4',
    });
    expect(Object.keys(info.features)).toEqual(['action', 'observation.state', ...KEYS, 'reasoning', 'timestamp', 'frame_index', 'episode_index', 'index', 'task_index']);
    expect(info.features.action).toEqual({ dtype: 'float32', shape: [7], names: ['dx', 'dy', 'dz', 'drx', 'dry', 'drz', 'grip'] });
    expect(info.features['observation.state']).toMatchObject({ dtype: 'float32', shape: [13] });
    expect(info.features['observation.state'].names).toHaveLength(13);
    expect(info.features.reasoning).toEqual({ dtype: 'string', shape: [1], names: null });
    expect(info.features.index).toEqual({ dtype: 'int64', shape: [1], names: null });
    expect(info.features.timestamp).toEqual({ dtype: 'float32', shape: [1], names: null });
    expect(info.features['observation.images.front']).toMatchObject({
      dtype: 'video', shape: [24, 32, 3], names: ['height', 'width', 'channels'],
      info: { 'video.height': 24, 'video.width': 32, 'video.codec': 'h264', 'video.pix_fmt': 'yuv420p', 'video.fps': FPS, 'video.channels': 3, has_audio: false },
    });
  });

  it('writes every frame to data/ with the source\'s actions and state, its indices, timestamp and reasoning', async () => {
    const path = join(out, 'data/chunk-000/file-000.parquet');
    const types = Object.fromEntries((await rows(`describe select * from '${path}'`)).map((r) => [r.column_name, r.column_type]));
    expect(types).toEqual({ action: 'FLOAT[]', 'observation.state': 'FLOAT[]', reasoning: 'VARCHAR', timestamp: 'FLOAT', frame_index: 'BIGINT', episode_index: 'BIGINT', index: 'BIGINT', task_index: 'BIGINT' });
    const data = await rows(`select * from '${path}' order by index`);
    expect(data).toHaveLength(20);
    let g = 0;
    eps.forEach((ep, e) => {
      for (let t = 0; t < ep.length; t++, g++) {
        const r = data[g];
        expect([num(r.index), num(r.episode_index), num(r.frame_index), num(r.task_index)]).toEqual([g, e, t, TASKS.indexOf(ep.instruction)]);
        expect(Math.fround(num(r.timestamp))).toBe(Math.fround(t / FPS));
        expect((r.action as number[]).map(Math.fround)).toEqual(Array.from(ep.action.subarray(t * 7, t * 7 + 7)));
        expect((r['observation.state'] as number[]).map(Math.fround)).toEqual(Array.from(ep.state.subarray(t * 13, t * 13 + 13)));
      }
    });
    // Episode 1, frame 0: the fixture's labels as ECoT text (front camera 32 x 24 px).
    expect(data[6].reasoning).toBe(
      [
        'TASK: open the drawer',
        'PLAN: 1. open the drawer',
        'VISIBLE OBJECTS: red cube [16, 6, 24, 12], plate [16, 6, 24, 12]',
        'SUBTASK: open the drawer',
        'MOVE: stop',
        'GRIPPER POSITION: [[8, 12], [10, 12]]',
      ].join('\n'),
    );
    expect(data[5].reasoning).toContain('SUBTASK: place it in the blue bowl\nMOVE: move backward');
    // One row group per episode, as LeRobot writes them.
    const groups = await rows(`select row_group_num_rows n from parquet_metadata('${path}') where column_id = 0 order by row_group_id`);
    expect(groups.map((r) => num(r.n))).toEqual(LENGTHS);
  });

  it('lists the episodes in meta/episodes with their rows, tasks, video spans and stats', async () => {
    const ep = await rows(`select * from '${join(out, 'meta/episodes/chunk-000/file-000.parquet')}' order by episode_index`);
    expect(ep).toHaveLength(3);
    let from = 0;
    ep.forEach((r, e) => {
      expect(num(r.episode_index)).toBe(e);
      expect(r.tasks).toEqual([INSTRUCTIONS[e]]);
      expect(num(r.length)).toBe(LENGTHS[e]);
      expect([num(r.dataset_from_index), num(r.dataset_to_index)]).toEqual([from, from + LENGTHS[e]]);
      expect([num(r['data/chunk_index']), num(r['data/file_index']), num(r['meta/episodes/chunk_index']), num(r['meta/episodes/file_index'])]).toEqual([0, 0, 0, 0]);
      for (const k of KEYS) {
        expect([num(r[`videos/${k}/chunk_index`]), num(r[`videos/${k}/file_index`])]).toEqual([0, 0]);
        expect(num(r[`videos/${k}/from_timestamp`])).toBeCloseTo(from / FPS, 9);
        expect(num(r[`videos/${k}/to_timestamp`])).toBeCloseTo((from + LENGTHS[e]) / FPS, 9);
      }
      const a = eps[e].action;
      const mean0 = Array.from({ length: LENGTHS[e] }, (_, t) => a[t * 7]).reduce((s, v) => s + v, 0) / LENGTHS[e];
      expect((r['stats/action/mean'] as number[])[0]).toBeCloseTo(mean0, 9);
      expect((r['stats/action/count'] as string[]).map(num)).toEqual([LENGTHS[e]]);
      const colours = Array.from({ length: LENGTHS[e] }, (_, t) => frameColour(e, t, 0));
      for (const [stat, pick] of [['min', Math.min], ['max', Math.max]] as const) {
        const got = (r[`stats/observation.images.front/${stat}`] as number[][][]).map((c) => c[0][0]);
        expect(got.map((v) => Math.round(v * 255))).toEqual([0, 1, 2].map((ch) => pick(...colours.map((rgb) => rgb[ch]))));
      }
      from += LENGTHS[e];
    });
  });

  it('writes meta/tasks.parquet with task_index per task string, the task as the pandas index', async () => {
    const path = join(out, 'meta/tasks.parquet');
    const t = await rows(`select task, task_index from '${path}' order by task_index`);
    expect(t.map((r) => [r.task, num(r.task_index)])).toEqual(TASKS.map((s, i) => [s, i]));
    const kv = await rows(`select decode(key) k, decode(value) v from parquet_kv_metadata('${path}')`);
    const pandas = JSON.parse(String(kv.find((r) => r.k === 'pandas')!.v));
    expect(pandas.index_columns).toEqual(['task']);
    expect(pandas.columns.map((c: Row) => c.field_name)).toEqual(['task_index', 'task']);
  });

  it('writes meta/stats.json: per dimension for vectors, per channel in 0..1 shaped [3][1][1] for videos', () => {
    const stats = json(join(out, 'meta/stats.json'));
    expect(Object.keys(stats).sort()).toEqual(['action', 'observation.state', ...KEYS, 'timestamp', 'frame_index', 'episode_index', 'index', 'task_index'].sort());
    const all = eps.flatMap((ep) => Array.from(ep.action));
    const dim0 = all.filter((_, i) => i % 7 === 0);
    expect(stats.action.min[0]).toBe(Math.min(...dim0));
    expect(stats.action.max[0]).toBe(Math.max(...dim0));
    expect(stats.action.count).toEqual([20]);
    expect(stats.index).toMatchObject({ min: [0], max: [19], count: [20] });
    for (const k of ['min', 'max', 'mean', 'std', 'q01', 'q10', 'q50', 'q90', 'q99']) expect(stats.action[k]).toHaveLength(7);
    for (const key of KEYS) {
      const s = stats[key];
      expect(s.count).toEqual([20]);
      for (const k of ['min', 'max', 'mean', 'std', 'q01', 'q50', 'q99']) {
        expect(s[k]).toHaveLength(3);
        for (const c of s[k]) {
          expect(c).toHaveLength(1);
          expect(c[0]).toHaveLength(1);
          expect(c[0][0]).toBeGreaterThanOrEqual(0);
          expect(c[0][0]).toBeLessThanOrEqual(1);
        }
      }
    }
    const reds = eps.flatMap((ep, e) => Array.from({ length: ep.length }, (_, t) => frameColour(e, t, 0)[0]));
    expect(stats['observation.images.front'].min[0][0][0]).toBeCloseTo(Math.min(...reds) / 255, 12);
    expect(stats['observation.images.front'].mean[0][0][0]).toBeCloseTo(reds.reduce((a, b) => a + b, 0) / reds.length / 255, 12);
  });

  it('writes one H.264 yuv420p video per camera at the dataset fps, each episode at its from_timestamp', () => {
    FIXTURE_CAMERAS.forEach((cam, c) => {
      const file = join(out, `videos/${KEYS[c]}/chunk-000/file-000.mp4`);
      const p = probeVideo(file);
      expect(p).toMatchObject({ codec_name: 'h264', pix_fmt: 'yuv420p', width: cam.width, height: cam.height, r_frame_rate: `${FPS}/1` });
      expect(num(p.nb_read_frames)).toBe(LENGTHS.reduce((a, b) => a + b, 0));
      p.pts.forEach((ts, k) => expect(ts).toBeCloseTo(k / FPS, 4));
      // The frame shown at from_timestamp + t / fps is frame t of that episode.
      const colours = meanColours(file, cam.width, cam.height);
      let k = 0;
      eps.forEach((ep, e) => {
        for (let t = 0; t < ep.length; t++, k++) {
          const want = frameColour(e, t, c);
          colours[k].forEach((v, ch) => expect(Math.abs(v - want[ch]), `${cam.name} frame ${k} (episode ${e}, t ${t})`).toBeLessThan(6));
        }
      });
    });
  });

  it('packs episodes into several data and video files, moving to the next chunk after --chunks-size files', async () => {
    const small = join(tmp, 'small');
    const r = exportCli(['--in', src, '--out', small, '--chunks-size', '2', '--data-file-size-mb', '0.000001', '--video-file-size-mb', '0.000001']);
    expect(r.code, r.stderr).toBe(0);
    const slots = [[0, 0], [0, 1], [1, 0]];
    const ep = await rows(`select * from '${join(small, 'meta/episodes/chunk-000/file-000.parquet')}' order by episode_index`);
    ep.forEach((row, e) => {
      expect([num(row['data/chunk_index']), num(row['data/file_index'])]).toEqual(slots[e]);
      for (const k of KEYS) {
        expect([num(row[`videos/${k}/chunk_index`]), num(row[`videos/${k}/file_index`])]).toEqual(slots[e]);
        expect(num(row[`videos/${k}/from_timestamp`])).toBe(0);
        expect(num(row[`videos/${k}/to_timestamp`])).toBeCloseTo(LENGTHS[e] / FPS, 9);
      }
      const [chunk, file] = slots[e].map((n) => String(n).padStart(3, '0'));
      expect(existsSync(join(small, `data/chunk-${chunk}/file-${file}.parquet`))).toBe(true);
      expect(num(probeVideo(join(small, `videos/${KEYS[0]}/chunk-${chunk}/file-${file}.mp4`)).nb_read_frames)).toBe(LENGTHS[e]);
    });
    const idx = await rows(`select min(index) lo, max(index) hi, count(*) n from '${join(small, 'data/chunk-001/file-000.parquet')}'`);
    expect([num(idx[0].lo), num(idx[0].hi), num(idx[0].n)]).toEqual([15, 19, 5]);
    expect(json(join(small, 'meta/info.json'))).toMatchObject({ chunks_size: 2, data_files_size_in_mb: 0.000001 });
  });
});

describe('npm run export-lerobot: refused requests', () => {
  const refused = (args: string[], message: RegExp | string) => {
    const r = exportCli(args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('usage: npm run export-lerobot');
    expect(r.stderr).not.toMatch(STACK);
  };

  it('a missing --in or --out, a folder that is not a dataset, an incomplete one, a broken episode', () => {
    refused(['--out', join(tmp, 'x')], '--in DIR is required');
    refused(['--in', join(tmp, 'nowhere'), '--out', join(tmp, 'x')], 'no such folder');
    const notData = join(tmp, 'not-data');
    mkdirSync(notData, { recursive: true });
    refused(['--in', notData, '--out', join(tmp, 'x')], 'has no card.json');

    const partial = join(tmp, 'partial');
    cpSync(src, partial, { recursive: true });
    const card = json(join(partial, 'card.json'));
    writeFileSync(join(partial, 'card.json'), JSON.stringify({ ...card, complete: false }));
    refused(['--in', partial, '--out', join(tmp, 'x')], /incomplete \(card\.json says complete: false\)/);

    writeFileSync(join(partial, 'card.json'), JSON.stringify(card));
    rmSync(join(partial, 'episodes/ep_000001/wrist.npy'));
    refused(['--in', partial, '--out', join(tmp, 'x')], /ep_000001 lacks wrist\.npy/);
    expect(existsSync(join(tmp, 'x'))).toBe(false);

    // Found only when the episode is read, after earlier episodes were written: those are removed again.
    cpSync(join(src, 'episodes/ep_000001/wrist.npy'), join(partial, 'episodes/ep_000001/wrist.npy'));
    writeNpy(join(partial, 'episodes/ep_000002/proprio.npy'), 'float32', [LENGTHS[2], 12], new Float32Array(LENGTHS[2] * 12));
    refused(['--in', partial, '--out', join(tmp, 'x')], /ep_000002\/proprio\.npy has shape \[5, 12\], the card and action\.npy say \[5, 13\]/);
    expect(existsSync(join(tmp, 'x'))).toBe(false);
  });

  it('an output folder that is not empty, or inside the input', () => {
    refused(['--in', src, '--out', out], /is not empty/);
    refused(['--in', src, '--out', join(src, 'lerobot')], /inside --in/);
    refused(['--in', src, '--out', join(tmp, 'y'), '--chunks-size', '0'], '--chunks-size must be a positive integer');
  });
});
