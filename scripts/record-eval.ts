// Write the reports that measured a model into it: the Evaluation section of MODEL_CARD.md (every report,
// scripts/lib/modelCardEval.ts) and provenance.evaluation in manifest.json (the named tasks' report).
//   npx tsx scripts/record-eval.ts all.json [open.json swap.json robustness.json ...] [public/models/vla-small]
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_EXECUTION, parseExecution } from '../src/policy/execution';
import type { EvalReport } from './lib/evalReport';
import { evaluationSection, isRobustness, suiteTotals, type AnyReport } from './lib/modelCardEval';

const args = process.argv.slice(2);
// The model folder is the last argument when it is a folder; every other argument is a report.
const dir = args.length > 1 && existsSync(args[args.length - 1]) && statSync(args[args.length - 1]).isDirectory() ? args.pop()! : 'public/models/vla-small';
if (!args.length) {
  console.error('usage: npx tsx scripts/record-eval.ts NAMED.json [OPEN.json SWAP.json ROBUSTNESS.json ...] [MODEL_DIR]');
  process.exit(2);
}
const reports = args.map((f) => ({ file: f, r: JSON.parse(readFileSync(f, 'utf8')) as AnyReport }));
const manPath = join(dir, 'manifest.json');
const manifest = JSON.parse(readFileSync(manPath, 'utf8'));
for (const { file, r } of reports) {
  if (r.policy !== 'model') throw new Error(`${file} evaluates policy "${r.policy}", not the model`);
  // Reports from before the field existed carry no hash; a report that has one must be of this very model.
  const sha = isRobustness(r) ? null : r.model_sha256;
  if (sha && sha !== manifest.model_sha256) {
    throw new Error(`${file} evaluated model.onnx ${sha.slice(0, 12)}…, but ${dir} holds ${String(manifest.model_sha256).slice(0, 12)}…`);
  }
}
const named = reports.map(({ r }) => r).find((r): r is EvalReport => !isRobustness(r) && !r.open && !r.switch);
if (!named) throw new Error('the first kind of report, the named tasks (npm run eval -- --suite all ...), is missing');
// Reports written before --execution existed ran the default.
const execution = named.execution ? parseExecution(named.execution) : DEFAULT_EXECUTION;
const executionText =
  execution.kind === 'chunk'
    ? `chunk execution: the first ${execution.k} of each ${manifest.action.chunk_length}-step chunk, then re-plan`
    : `ACT temporal ensembling (m = ${execution.m})`;
const r = named;
const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
const bySuite = suiteTotals(r.tasks);
const suites = Object.fromEntries([...bySuite].map(([s, e]) => [s, { trials: e.n, successes: e.ok, success_rate: e.ok / e.n }]));
const section = evaluationSection(reports.map((x) => x.r), executionText);
const cardPath = join(dir, 'MODEL_CARD.md');
const card = readFileSync(cardPath, 'utf8');
const begin = '<!-- EVALUATION:BEGIN -->';
const end = '<!-- EVALUATION:END -->';
if (!card.includes(begin) || !card.includes(end)) throw new Error(`${cardPath} has no evaluation markers`);
writeFileSync(cardPath, card.replace(new RegExp(`${begin}[\\s\\S]*${end}`), `${begin}\n${section}\n${end}`));
manifest.provenance.evaluation = {
  command: `npm run eval -- --suite ${r.suite} --trials ${r.trials} --seed ${r.seed} --policy model`,
  seed: r.seed,
  trials_per_task: r.trials,
  success_rate: r.success_rate,
  suites,
  avg_completed_length: r.avg_completed_length ?? null,
  tasks: Object.fromEntries(r.tasks.map((t) => [t.id, t.success_rate])),
};
writeFileSync(manPath, JSON.stringify(manifest, null, 1) + '\n');
console.log(`recorded ${reports.length} report(s) into ${dir}: named tasks ${pct(r.success_rate)} overall`);
