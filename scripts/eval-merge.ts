// Merge eval shards (docs/sharding.md): the JSON-lines files of `npm run eval -- ... --shard K/N --out F.jsonl`
// back into the report one unsharded run with the same options writes (wall times aside).
//
//   npm run eval:merge -- shard-*.jsonl [DIR...] --out report.json
//
// Exit codes: 0 merged, 1 crashed, 2 refused (shards of different runs, overlapping or missing; the
// message says which).

import { checkWritableFile, parseFlagsAndPaths, runCli, UsageError } from './lib/cli';
import { emitReport } from './lib/evalOutput';
import { reportOf } from './lib/evalPlan';
import { mergeShards, readShardFile } from './lib/evalShardFile';
import { shardFilePaths } from './lib/shardFile';

const USAGE = `usage: npm run eval:merge -- SHARD.jsonl... [DIR...] [--out report.json|-]

  Reads the shard files that npm run eval -- ... --shard K/N --out SHARD.jsonl wrote (a folder stands
  for every .jsonl file in it), checks that they are the N shards of one run, each once and complete,
  and prints the table and writes the report that the same command without --shard writes. Its wall_s
  is the shards' wall times added up; each episode keeps the wall_ms of the machine that ran it.
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
  const merged = mergeShards(shardFilePaths(positionals).map(readShardFile));
  emitReport(reportOf(merged), out);
  return 0;
}

runCli('eval:merge', USAGE, main);
