import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import contract from '../src/policy/contract.json' with { type: 'json' };
import { meanColours, ParquetReader, probeVideo } from '../tests/scripts/lerobotReadBack';
import { assert, assertEqual, test } from './harness';
import { setSpeed, waitForEnd, waitForReady } from './helpers';

// "Export to LeRobot" in the history panel (docs/lerobot.md, "From the app"): two expert episodes are
// run, ticked and exported; the downloaded zip is unpacked by Python's zipfile and read back by the
// readers the CLI's test uses (DuckDB for the Parquet files, ffprobe/ffmpeg for the videos), and checked
// against the records the history stored in IndexedDB.

const FPS = 10;
const KEYS = ['observation.images.front', 'observation.images.wrist'];

interface Stored {
  id: string;
  label: string;
  savedAt: number;
  records: Array<{ step: number; action: number[] | null; proprio: number[] }>;
}

/** The history's episodes as stored, oldest first (the export's episode order). */
async function storedEpisodes(page: Page): Promise<Stored[]> {
  // No named functions inside: tsx's esbuild would wrap them in a __name helper the page does not have.
  const raw = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('vla-episode-history');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const tx = db.transaction(['summaries', 'records']);
    const [summaries, records] = await Promise.all(
      ['summaries', 'records'].map(
        (store) =>
          new Promise<unknown[]>((resolve, reject) => {
            const r = tx.objectStore(store).getAll();
            r.onsuccess = () => resolve(r.result);
            r.onerror = () => reject(r.error);
          }),
      ),
    );
    db.close();
    return (summaries as Array<{ id: string; label: string; savedAt: number }>).map((s) => ({
      id: s.id,
      label: s.label,
      savedAt: s.savedAt,
      records: (records as Array<{ id: string; records: Array<{ step: number; action: number[] | null; proprio: Float32Array }> }>)
        .find((r) => r.id === s.id)!
        .records.map((r) => ({ step: r.step, action: r.action, proprio: Array.from(r.proprio) })),
    }));
  });
  return raw.sort((a, b) => a.savedAt - b.savedAt);
}

async function runEpisode(page: Page, items: number): Promise<void> {
  await page.getByTestId('run-button').click();
  assertEqual((await waitForEnd(page)).status, 'success', 'the expert presses the button');
  await page.waitForFunction((k) => document.querySelectorAll('[data-testid="episode-history-item"]').length === k, items, { timeout: 20_000 });
}

const f32 = (xs: number[]) => xs.map(Math.fround);
const clip = (a: number[]) => a.map((v, i) => Math.min(contract.action.clip[i], Math.max(-contract.action.clip[i], v)));
const num = (v: unknown) => Number(v);

test('history export: two episodes ticked and exported to LeRobot v3.0; the zip reads back with DuckDB and ffprobe against the stored records', async (t) => {
  const page = await t.open('?task=goal/press_button&seed=1&policy=expert');
  await waitForReady(page);
  await setSpeed(page, 'Infinity');
  await runEpisode(page, 1);
  await page.evaluate(() => window.__vla!.controller.setSeed(2));
  await waitForReady(page);
  await runEpisode(page, 2);

  const stored = await storedEpisodes(page);
  assertEqual(stored.length, 2, 'episodes in IndexedDB');
  const lengths = stored.map((s) => s.records.length - 1);
  const total = lengths[0] + lengths[1];
  // Each seed samples its own wording of the task: the task strings, in order of first use.
  const tasks = [...new Set(stored.map((s) => s.label))];

  const boxes = page.getByTestId('episode-history-select');
  assertEqual(await boxes.count(), 2, 'a checkbox per episode');
  const button = page.getByTestId('episode-history-export-lerobot');
  assert(await button.isDisabled(), 'nothing ticked: the export button is off');
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  assertEqual(await button.textContent(), 'Export to LeRobot (2)', 'the button counts the ticked episodes');
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), button.click()]);
  const status = page.getByTestId('episode-history-export-status');
  await page.waitForFunction(() => /^Exported/.test(document.querySelector('[data-testid="episode-history-export-status"]')?.textContent ?? ''), null, { timeout: 30_000 });
  t.log(await status.textContent());
  assert(/\.zip$/.test(download.suggestedFilename()), `a zip is downloaded: ${download.suggestedFilename()}`);

  const tmp = mkdtempSync(join(tmpdir(), 'vla-lerobot-e2e-'));
  const reader = await ParquetReader.open();
  try {
    const zip = join(tmp, 'export.zip');
    await download.saveAs(zip);
    const unz = spawnSync('python3', ['-m', 'zipfile', '-e', zip, join(tmp, 'out')], { encoding: 'utf8' });
    assertEqual(unz.status, 0, `python3 -m zipfile: ${unz.stderr}`);
    const [rootName] = readdirSync(join(tmp, 'out'));
    const root = join(tmp, 'out', rootName);

    const info = JSON.parse(readFileSync(join(root, 'meta/info.json'), 'utf8'));
    assertEqual([info.codebase_version, info.total_episodes, info.total_frames, info.total_tasks, info.fps], ['v3.0', 2, total, tasks.length, FPS], 'info.json: version, episodes, frames, tasks, fps');
    assertEqual(Object.keys(info.features), ['action', 'observation.state', ...KEYS, 'reasoning', 'timestamp', 'frame_index', 'episode_index', 'index', 'task_index'], 'info.json features');
    assertEqual(info.features['observation.images.front'].shape, [64, 64, 3], 'camera shape');

    // Frames: record t with the action executed from it (record t + 1's), every frame of both episodes.
    const data = await reader.rows(`select * from '${join(root, 'data/chunk-000/file-000.parquet')}' order by index`);
    assertEqual(data.length, total, 'rows in data/');
    let g = 0;
    stored.forEach((s, e) => {
      for (let k = 0; k < lengths[e]; k++, g++) {
        const r = data[g];
        assertEqual([num(r.episode_index), num(r.frame_index), num(r.index), num(r.task_index)], [e, k, g, tasks.indexOf(s.label)], `row ${g}: indices`);
        assertEqual(Math.fround(num(r.timestamp)), Math.fround(k / FPS), `row ${g}: timestamp`);
        assertEqual((r.action as number[]).map(Math.fround), f32(clip(s.records[k + 1].action!)), `episode ${e} frame ${k}: action`);
        assertEqual((r['observation.state'] as number[]).map(Math.fround), f32(s.records[k].proprio), `episode ${e} frame ${k}: observation.state`);
      }
    });
    const r3 = data[3].reasoning as string;
    assert(r3.startsWith(`TASK: ${stored[0].label}\nPLAN: 1. press the button\n`) && r3.includes('\nSUBTASK: press the button\nMOVE: '), `frame 3's ECoT text comes from its decision:\n${r3}`);

    const taskRows = await reader.rows(`select task, task_index from '${join(root, 'meta/tasks.parquet')}' order by task_index`);
    assertEqual(taskRows.map((r) => [r.task, num(r.task_index)]), tasks.map((x, i) => [x, i]), 'tasks.parquet');

    const eps = await reader.rows(`select * from '${join(root, 'meta/episodes/chunk-000/file-000.parquet')}' order by episode_index`);
    let from = 0;
    eps.forEach((r, e) => {
      assertEqual([num(r.length), num(r.dataset_from_index), num(r.dataset_to_index)], [lengths[e], from, from + lengths[e]], `episode ${e}: rows`);
      for (const k of KEYS) {
        assertEqual([num(r[`videos/${k}/chunk_index`]), num(r[`videos/${k}/file_index`])], [0, 0], `episode ${e} ${k}: file`);
        assert(Math.abs(num(r[`videos/${k}/from_timestamp`]) - from / FPS) < 1e-9 && Math.abs(num(r[`videos/${k}/to_timestamp`]) - (from + lengths[e]) / FPS) < 1e-9, `episode ${e} ${k}: span`);
      }
      from += lengths[e];
    });

    for (const key of KEYS) {
      const file = join(root, `videos/${key}/chunk-000/file-000.mp4`);
      const p = probeVideo(file);
      assertEqual([p.codec_name, p.pix_fmt, p.width, p.height, p.r_frame_rate, num(p.nb_read_frames)], ['h264', 'yuv420p', 64, 64, `${FPS}/1`, total], `${key}: codec, format, size, fps, frames`);
      p.pts.forEach((ts, k) => assert(Math.abs(ts - k / FPS) < 1e-4, `${key}: frame ${k} at ${ts} s, expected ${k / FPS}`));
      // The decoded frames are the images the stats were computed from (each episode's mean colour), and
      // every frame is its own record's image, not one image repeated.
      const colours = meanColours(file, 64, 64);
      let k0 = 0;
      eps.forEach((r, e) => {
        const mean = (r[`stats/${key}/mean`] as number[][][]).map((c) => c[0][0] * 255);
        const got = [0, 1, 2].map((c) => colours.slice(k0, k0 + lengths[e]).reduce((s, x) => s + x[c], 0) / lengths[e]);
        got.forEach((v, c) => assert(Math.abs(v - mean[c]) < 4, `${key} episode ${e} channel ${c}: decoded mean ${v.toFixed(1)}, stats ${mean[c].toFixed(1)}`));
        k0 += lengths[e];
      });
      const spread = Math.max(...colours.map((c) => Math.abs(c[0] - colours[0][0]) + Math.abs(c[1] - colours[0][1]) + Math.abs(c[2] - colours[0][2])));
      if (key.endsWith('wrist')) assert(spread > 3, `the wrist camera's frames change as the arm moves (largest change of mean colour ${spread.toFixed(1)})`);
    }
    const source = JSON.parse(readFileSync(join(root, 'meta/source.json'), 'utf8'));
    assertEqual(source.episodes.map((x: { id: string }) => x.id), stored.map((s) => s.id), 'meta/source.json names the stored episodes, oldest first');
    t.log(`episodes of ${lengths.join(' and ')} frames exported and read back`);
  } finally {
    reader.close();
    rmSync(tmp, { recursive: true, force: true });
  }
  assert(await boxes.nth(0).isChecked(), 'the selection stays after the export');
});
