// Merge datagen shards (docs/sharding.md): the folders of `npm run datagen -- ... --shard K/N --out DIR_K`
// into the one dataset (docs/dataset.md) that the same command without --shard writes.
//
//   npm run datagen:merge -- DIR_0 DIR_1 ... --out DIR
//
// Exit codes: 0 merged, 1 crashed, 2 refused (folders of different runs, overlapping or missing episodes;
// the message says which).

import { ensureWritableDir, parseFlagsAndPaths, runCli, UsageError } from './lib/cli';
import { planMerge, writeMerged } from './lib/datagenShard';

const USAGE = `usage: npm run datagen:merge -- SHARD_DIR... --out DIR

  Reads the shard folders that npm run datagen -- ... --shard K/N --out SHARD_DIR wrote, checks that they
  are the N shards of one run (same arguments, same renderer), each once and complete, and writes DIR
  (new or empty): the episode folders copied unchanged, episodes.jsonl in episode order and one
  card.json, as the same command without --shard writes them. The shard folders are left as they are.
`;

async function main(): Promise<number> {
  const { values, positionals } = parseFlagsAndPaths(process.argv.slice(2), { out: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!values.out) throw new UsageError('--out DIR is required');
  const plan = planMerge(positionals);
  ensureWritableDir(values.out);
  const card = writeMerged(plan, values.out);
  process.stdout.write(
    `merged ${plan.shards} shard(s): ${card.attempted} episodes attempted, ${card.succeeded} succeeded; ` +
      `${card.episodes} episode dirs, ${card.frames} frames; wrote ${values.out}\n`,
  );
  return 0;
}

runCli('datagen:merge', USAGE, main);
