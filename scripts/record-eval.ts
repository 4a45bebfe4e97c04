// Write an eval report (npm run eval -- --policy model --out F.json) into the model it evaluated: the
// Evaluation section of MODEL_CARD.md and provenance.evaluation in manifest.json.
//   npx tsx scripts/record-eval.ts runs/eval.json [public/models/vla-small]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_EXECUTION, parseExecution } from '../src/policy/execution';

interface Report {
  suite: string;
  policy: string;
  seed: number;
  trials: number;
  seeding?: string;
  success_rate: number;
  perturbations: string[];
  tasks: { id: string; trials: number; successes: number; success_rate: number }[];
  avg_completed_length?: number;
  wall_s?: number;
  execution?: string | null;
  model_sha256?: string | null;
}

const [file, dir = 'public/models/vla-small'] = process.argv.slice(2);
if (!file) {
  console.error('usage: npx tsx scripts/record-eval.ts EVAL.json [MODEL_DIR]');
  process.exit(2);
}
const r = JSON.parse(readFileSync(file, 'utf8')) as Report;
const manPath = join(dir, 'manifest.json');
const manifest = JSON.parse(readFileSync(manPath, 'utf8'));
// Reports written before --execution existed ran the default.
const execution = r.execution ? parseExecution(r.execution) : DEFAULT_EXECUTION;
const executionText =
  execution.kind === 'chunk'
    ? `chunk execution: the first ${execution.k} of each ${manifest.action.chunk_length}-step chunk, then re-plan`
    : `ACT temporal ensembling (m = ${execution.m})`;
if (r.policy !== 'model') throw new Error(`${file} evaluates policy "${r.policy}", not the model`);
// Reports from before the field existed carry no hash; a report that has one must be of this very model.
if (r.model_sha256 && r.model_sha256 !== manifest.model_sha256) {
  throw new Error(`${file} evaluated model.onnx ${r.model_sha256.slice(0, 12)}…, but ${dir} holds ${String(manifest.model_sha256).slice(0, 12)}…`);
}
const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
const bySuite = new Map<string, { n: number; ok: number }>();
for (const t of r.tasks) {
  const s = t.id.split('/')[0];
  const e = bySuite.get(s) ?? { n: 0, ok: 0 };
  e.n += t.trials;
  e.ok += t.successes;
  bySuite.set(s, e);
}
const suites = Object.fromEntries([...bySuite].map(([s, e]) => [s, { trials: e.n, successes: e.ok, success_rate: e.ok / e.n }]));
const lines = [
  `Measured with \`npm run eval -- --suite ${r.suite} --trials ${r.trials} --seed ${r.seed} --policy model\` ` +
    `(headless Chromium, the app's renderer, onnxruntime-web WASM; ${executionText}; ${r.seeding ?? ''}).`,
  '',
  '| suite | trials | success |',
  '|---|---|---|',
  ...[...bySuite].map(([s, e]) => `| ${s} | ${e.n} | ${pct(e.ok / e.n)}${s === 'chains' && r.avg_completed_length !== undefined ? ` (avg completed length ${r.avg_completed_length.toFixed(2)} / 5)` : ''} |`),
  `| **all** | ${r.tasks.reduce((s, t) => s + t.trials, 0)} | **${pct(r.success_rate)}** |`,
  '',
  '| task | successes |',
  '|---|---|',
  ...r.tasks.map((t) => `| ${t.id} | ${t.successes} / ${t.trials} |`),
];
const cardPath = join(dir, 'MODEL_CARD.md');
const card = readFileSync(cardPath, 'utf8');
const begin = '<!-- EVALUATION:BEGIN -->';
const end = '<!-- EVALUATION:END -->';
if (!card.includes(begin) || !card.includes(end)) throw new Error(`${cardPath} has no evaluation markers`);
writeFileSync(cardPath, card.replace(new RegExp(`${begin}[\\s\\S]*${end}`), `${begin}\n${lines.join('\n')}\n${end}`));
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
console.log(`recorded ${file} into ${dir}: ${pct(r.success_rate)} overall`);
