// Merge robustness shards (docs/sharding.md): the JSON-lines files of `npm run robustness -- ... --shard K/N
// --out F.jsonl` back into the report and chart one unsharded sweep with the same options writes (its
// created and wall_s aside).
//
//   npm run robustness:merge -- shard-*.jsonl [DIR...] --out report.json
//
// Exit codes: 0 merged, 1 crashed, 2 refused (shards of different sweeps, overlapping or missing; the
// message says which).

import { checkWritableFile, parseFlagsAndPaths, runCli, UsageError } from './lib/cli';
import { emitRobustnessReport, mergeRobustnessShards, readRobustnessShard, robustnessReportOf } from './lib/robustnessPlan';
import { shardFilePaths } from './lib/shardFile';

const USAGE = `usage: npm run robustness:merge -- SHARD.jsonl... [DIR...] [--out report.json|-]

  Reads the shard files that npm run robustness -- ... --shard K/N --out SHARD.jsonl wrote (a folder
  stands for every .jsonl file in it), checks that they are the N shards of one sweep, each once and
  complete, and prints the table and writes the report (and the .svg chart next to it) that the same
  command without --shard writes. Its wall_s is the shards' wall times added up.
  --out -  writes the JSON to stdout (the table goes to stderr).
`;

async function main(): Promise<number> {
  const { values, positionals } = parseFlagsAndPaths(process.argv.slice(2), { out: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!positionals.length) throw new UsageError('give the shard files to merge');
  const out = values.out ?? null;
  if (out && out !== '-') checkWritableFile(out, 'the --out report');
  const merged = mergeRobustnessShards(shardFilePaths(positionals).map(readRobustnessShard));
  emitRobustnessReport(robustnessReportOf({ ...merged, results: new Map(merged.results.map((r, i) => [i, r])) }), out);
  return 0;
}

runCli('robustness:merge', USAGE, main);
