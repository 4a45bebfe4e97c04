import { evalJobs, type RunMeta } from './evalPlan';
import { mergeShardFiles, readShard, ShardFileWriter, type MergedShards, type ShardEnd, type ShardFormat, type ShardEpisode as Episode, type ShardFile as File, type ShardHeader as Header } from './shardFile';

// One eval shard on disk (docs/sharding.md; the format is a contract): the JSON-lines shard file of
// scripts/lib/shardFile.ts whose header's identity is the report's header fields (RunMeta) and whose
// episode lines carry the trial. eval:merge checks the shards against each other and rebuilds the report
// with the same reportOf an unsharded run calls.

export const EVAL_SHARD_FORMAT = 'vla-eval-shard';
export const EVAL_SHARD_VERSION = 1;
export const SHARDING_RULE = 'episode i = trial k of task t (i = t * trials + k, seed = seed + k) belongs to shard i mod N';

export const EVAL_SHARDS: ShardFormat<RunMeta, { trial: number }> = {
  name: EVAL_SHARD_FORMAT,
  version: EVAL_SHARD_VERSION,
  noun: 'an eval shard',
  writtenBy: 'npm run eval -- --shard K/N --out FILE.jsonl',
  sharding: SHARDING_RULE,
  jobs: (meta, tasks) => evalJobs(tasks, meta.trials, meta.seed),
  lineFields: (index, meta) => ({ trial: index % meta.trials }),
};

export type ShardHeader = Header<RunMeta>;
export type ShardEpisode = Episode<{ trial: number }>;
export type ShardFile = File<RunMeta, { trial: number }>;
export type MergedRun = MergedShards<RunMeta>;
export type { ShardEnd };

/** Writes an eval shard's lines as they come; the header truncates whatever an earlier attempt left. */
export class ShardWriter extends ShardFileWriter<RunMeta, { trial: number }> {
  constructor(path: string) {
    super(EVAL_SHARDS, path);
  }
}

/** Read and check one eval shard file; every problem names the file and the line. */
export const readShardFile = (path: string): ShardFile => readShard(EVAL_SHARDS, path);

/** The eval shards of one run put back together, or a refusal saying why they are not (mergeShardFiles). */
export const mergeShards = (files: ShardFile[]): MergedRun => mergeShardFiles(EVAL_SHARDS, files);
