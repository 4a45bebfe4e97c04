import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SourceDataset, SourceEpisode } from '../../src/export/lerobot/source';
import { UsageError } from './cli';
import { readNpy, type NpyArray, type NpyDtype } from './npy';

// Reads a datagen dataset (docs/dataset.md) for the LeRobot export: the card's layouts and vocabularies,
// then one episode folder at a time. Everything that makes a folder unusable is a UsageError naming the
// folder or file, found before any output is written where it can be checked cheaply (files present),
// and at the episode otherwise (shapes).

const LABEL_FILES = ['proprio', 'action', 'gripper_px', 'gripper_vis', 'boxes', 'box_vis', 'subtask', 'move'] as const;

export interface DatagenDataset {
  dir: string;
  ds: SourceDataset;
  /** Episode folder names in the order training reads them (sorted). */
  episodes: string[];
  /** The card's generator line, for provenance. */
  generator: string | null;
}

interface Card {
  format?: string;
  complete?: boolean;
  episodes?: number;
  generator?: string;
  cameras?: Array<{ name: string; width: number; height: number }> | null;
  proprio_layout?: string[];
  action_layout?: string[];
  control_hz?: number;
  vocab?: { objects?: string[]; moves?: string[] };
}

export function openDatagenDataset(dirArg: string): DatagenDataset {
  const dir = resolve(dirArg);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--in ${dirArg}: no such folder`);
  const cardPath = join(dir, 'card.json');
  if (!existsSync(cardPath)) throw new UsageError(`${dir} has no card.json: not a dataset written by npm run datagen`);
  let card: Card;
  try {
    card = JSON.parse(readFileSync(cardPath, 'utf8')) as Card;
  } catch (e) {
    throw new UsageError(`${cardPath} is not valid JSON (${(e as Error).message})`);
  }
  if (card.format !== 'vla-playground-demos') throw new UsageError(`${cardPath}: format is ${JSON.stringify(card.format)}, not "vla-playground-demos"`);
  if (card.complete === false) {
    throw new UsageError(`${dir} is incomplete (card.json says complete: false): its datagen run is still going or was stopped; finish it with --resume first`);
  }
  const missing: string[] = (['cameras', 'proprio_layout', 'action_layout', 'control_hz'] as const).filter((k) => !card[k]);
  if (!card.vocab?.objects) missing.push('vocab.objects');
  if (!card.vocab?.moves) missing.push('vocab.moves');
  if (missing.length) throw new UsageError(`${cardPath} lacks ${missing.join(', ')} (a card from before the runner page was up?)`);
  const epRoot = join(dir, 'episodes');
  if (!existsSync(epRoot)) throw new UsageError(`${dir} has no episodes/ folder`);
  const episodes = readdirSync(epRoot, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(epRoot, e.name, 'meta.json')))
    .map((e) => e.name)
    .sort();
  if (!episodes.length) throw new UsageError(`${epRoot} holds no episode folders (none with a meta.json)`);
  if (typeof card.episodes === 'number' && card.episodes !== episodes.length) {
    throw new UsageError(`${dir}: card.json lists ${card.episodes} episode folders but episodes/ holds ${episodes.length}`);
  }
  const cameras = card.cameras!;
  for (const name of episodes) {
    const files = [...LABEL_FILES, ...cameras.map((c) => c.name)].map((f) => `${f}.npy`);
    const absent = files.filter((f) => !existsSync(join(epRoot, name, f)));
    if (absent.length) throw new UsageError(`episode folder ${join(epRoot, name)} lacks ${absent.join(', ')}`);
  }
  return {
    dir,
    episodes,
    generator: card.generator ?? null,
    ds: {
      fps: card.control_hz!,
      cameras: cameras.map((c) => ({ name: c.name, width: c.width, height: c.height })),
      stateNames: card.proprio_layout!,
      actionNames: card.action_layout!,
      objects: card.vocab!.objects!,
      moves: card.vocab!.moves!,
    },
  };
}

/** The meta.json fields the export uses, plus the datagen task id and seed for provenance. */
export interface EpisodeMeta {
  task: string;
  seed: number;
  instruction: string;
  plan: Array<[string, string]>;
}

export function readEpisode(data: DatagenDataset, name: string): { episode: SourceEpisode; meta: EpisodeMeta } {
  const folder = join(data.dir, 'episodes', name);
  const { ds } = data;
  let meta: EpisodeMeta;
  try {
    meta = JSON.parse(readFileSync(join(folder, 'meta.json'), 'utf8')) as EpisodeMeta;
  } catch (e) {
    throw new UsageError(`${join(folder, 'meta.json')} is not valid JSON (${(e as Error).message})`);
  }
  if (typeof meta.instruction !== 'string' || !Array.isArray(meta.plan)) throw new UsageError(`${join(folder, 'meta.json')} has no instruction or plan`);

  const arrays: Record<string, NpyArray> = {};
  const load = (file: string, dtype: NpyDtype, rank: number) => {
    const path = join(folder, `${file}.npy`);
    let a: NpyArray;
    try {
      a = readNpy(path);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (a.dtype !== dtype || a.shape.length !== rank) throw new UsageError(`${path}: ${a.dtype}[${a.shape.join(', ')}], expected ${dtype} of rank ${rank} (docs/dataset.md)`);
    arrays[file] = a;
    return a;
  };
  const T = load('action', 'float32', 2).shape[0];
  load('proprio', 'float32', 2);
  load('gripper_px', 'float32', 4);
  load('gripper_vis', 'uint8', 3);
  load('boxes', 'float32', 4);
  load('box_vis', 'uint8', 3);
  load('subtask', 'int32', 1);
  load('move', 'int32', 1);
  for (const c of ds.cameras) load(c.name, 'uint8', 4);

  const nCam = ds.cameras.length;
  const nObj = ds.objects.length;
  const points = arrays.gripper_px.shape[2];
  const expected: Record<string, number[]> = {
    action: [T, ds.actionNames.length],
    proprio: [T, ds.stateNames.length],
    gripper_px: [T, nCam, points, 2],
    gripper_vis: [T, nCam, points],
    boxes: [T, nCam, nObj, 4],
    box_vis: [T, nCam, nObj],
    subtask: [T],
    move: [T],
    ...Object.fromEntries(ds.cameras.map((c) => [c.name, [T, c.height, c.width, 3]])),
  };
  for (const [file, shape] of Object.entries(expected)) {
    const got = arrays[file].shape;
    if (got.join() !== shape.join()) throw new UsageError(`${join(folder, file)}.npy has shape [${got.join(', ')}], the card and action.npy say [${shape.join(', ')}]`);
  }
  if (T < 1) throw new UsageError(`${folder} has no frames`);

  const episode: SourceEpisode = {
    name,
    instruction: meta.instruction,
    plan: meta.plan,
    length: T,
    action: arrays.action.data as Float32Array,
    state: arrays.proprio.data as Float32Array,
    subtask: arrays.subtask.data as Int32Array,
    move: arrays.move.data as Int32Array,
    gripperPx: arrays.gripper_px.data as Float32Array,
    gripperVis: arrays.gripper_vis.data as Uint8Array,
    boxes: arrays.boxes.data as Float32Array,
    boxVis: arrays.box_vis.data as Uint8Array,
    points,
    pixels: Object.fromEntries(ds.cameras.map((c) => [c.name, arrays[c.name].data as Uint8Array])),
  };
  return { episode, meta };
}
