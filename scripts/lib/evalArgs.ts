import { parseArgs } from 'node:util';
import { ALIASES, AXES, parseAxes, type AxisSetting } from '../../src/sim/axes';
import { EVAL_SUITES, sourcesInSuite, type EvalSuite } from '../../src/engine/catalog';
import { OPEN_SPLITS, WORDINGS, type Wording } from '../../src/language/openTasks';
import { TASKS, type TaskDef } from '../../src/sim/tasks';
import { UsageError } from './cli';
import { POLICY_READINGS, type PolicyReading } from '../../src/engine/types';
import { INTERVENTION_MODES, type InterventionMode } from '../../src/engine/interventions';
import { DEFAULT_MODEL_DIR, modelUrlPath, resolveModelDir } from './evalModel';
import { isModelUrl } from './modelUrl';
import { DEFAULT_EXECUTION, parseExecution, type ExecutionMode } from '../../src/policy/execution';

import { EVAL_SEED_START } from '../../src/sim/seeds';

export { EVAL_SEED_START };
export const POLICIES = ['expert', 'model'] as const;

export const USAGE = `usage: npm run eval -- --suite <${[...EVAL_SUITES, 'all'].join('|')}> [--split ${OPEN_SPLITS.join('|')}] [--wording sampled|canonical] [--task ID[,ID...]] [--trials N] [--seed S]
                      [--policy <${POLICIES.join('|')}>] [--model DIR] [--execution chunk:K|ensemble[:M]] [--reading step|sentence] [--interventions none|switch|swap]
                      [--perturb NAME[,NAME...]] [--out FILE.json]
                      [--via <node|browser>] [--workers K] [--dist DIR] [--no-build]

  Runs N trials of every task of the suite (or of the --task list). Trial k (k = 0..N-1) of every task
  uses seed S + k, so the same command gives the same episodes. Seeds from ${EVAL_SEED_START.toLocaleString('en')} on are
  evaluation seeds (never used for training data); the default --seed is ${EVAL_SEED_START}.

  --suite open      the compositional suite (docs/language.md): each seed samples a layout, a program of 1-5
                    atoms and a wording; --split train|heldout|all (default all) picks which compositions and
                    wordings; the report adds success by program length and by atom type; --wording
                    canonical says each sampled program in one fixed wording instead (same seeds, same
                    layouts), to compare with the sampled wordings

  --policy expert   the scripted expert; runs in Node by default (--via node), or in the headless runner page
  --policy model    a learned policy (default --model public/models/vla-small); runs in the browser runner
  --model DIR|URL   the folder with manifest.json and the ONNX file, anywhere on disk or on a web server (a URL
                    is downloaded to a temp folder first); checked before the run
  --execution       how its action chunks run: chunk:K (first K actions, then re-plan; default chunk:4)
                    or ensemble[:M] (query every step, ACT temporal ensembling with weights exp(-M * i))
  --reading         what the model reads during a multi-step instruction (long tasks, open programs): step
                    (the current step's words, in the training data's words; default) or sentence (the
                    whole sentence as said, for the model to sequence itself)
  --interventions   switch: at a step drawn from the seed (10-40) the person says "actually ..." with another
                    goal (another cube, the other place or fixture); success is the new goal, and the report
                    says how often the abandoned goal was achieved anyway (docs/interventions.md); swap: the
                    same other goal said before the first step, on the same layout (does the policy follow
                    the words, or the layout it was trained on?)
  --perturb         seeded perturbations, axis:level (levels 1-3; docs/robustness.md): ${AXES.join(', ')};
                    the older names ${Object.keys(ALIASES).join(', ')} are aliases of one axis level each
  --workers K       episodes in parallel (worker threads in Node, pages in the browser); default 1
  --out FILE        write the JSON report (docs/architecture.md); "-" writes it to stdout (checked before the run)
`;

export interface EvalOptions {
  suite: EvalSuite | 'all';
  /** The open suite's split (train, heldout or all); null for the named tasks. */
  split: string | null;
  tasks: TaskDef[];
  trials: number;
  seed: number;
  policy: string;
  /** The URL path the runner page loads the model from (modelUrlPath), null for the expert. */
  model: string | null;
  /** The model directory on disk, absolute; the one served at `model` and hashed for the report. */
  modelDir: string | null;
  /** `--model URL`: the folder it is downloaded from into modelDir before the run (scripts/lib/modelUrl.ts). */
  modelUrl: string | null;
  /** How the model's action chunks are executed (null for the expert). */
  execution: ExecutionMode | null;
  /** What the model reads during multi-step instructions (null for the expert). */
  reading: PolicyReading | null;
  interventions: InterventionMode;
  perturbations: AxisSetting[];
  out: string | null;
  via: 'node' | 'browser';
  workers: number;
  distDir: string;
  build: boolean;
  help: boolean;
}

function integer(name: string, v: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer in ${min}..${max === Number.MAX_SAFE_INTEGER ? 'inf' : max}, got "${v}"`);
  }
  return n;
}

export { DEFAULT_MODEL_DIR };

/** Parse and validate eval's command line. Throws UsageError (exit code 2) naming the valid choices. */
export function parseEvalArgs(argv: string[]): EvalOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        suite: { type: 'string' },
        split: { type: 'string' },
        wording: { type: 'string' },
        task: { type: 'string' },
        trials: { type: 'string', default: '10' },
        seed: { type: 'string', default: String(EVAL_SEED_START) },
        policy: { type: 'string', default: 'expert' },
        model: { type: 'string' },
        execution: { type: 'string' },
        reading: { type: 'string' },
        interventions: { type: 'string', default: 'none' },
        perturb: { type: 'string' },
        out: { type: 'string' },
        via: { type: 'string' },
        workers: { type: 'string', default: '1' },
        dist: { type: 'string', default: 'dist' },
        'no-build': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const help = !!values.help;
  const suiteArg = values.suite ?? (values.task ? 'all' : undefined);
  if (!suiteArg && !help) throw new UsageError(`--suite is required. Valid suites: ${[...EVAL_SUITES, 'all'].join(', ')}`);
  const suite = (suiteArg ?? 'all') as EvalSuite | 'all';
  if (suite !== 'all' && !(EVAL_SUITES as readonly string[]).includes(suite)) {
    throw new UsageError(`unknown suite "${suite}". Valid suites: ${[...EVAL_SUITES, 'all'].join(', ')}`);
  }
  if (values.split !== undefined && suite !== 'open') throw new UsageError('--split only applies to --suite open');
  const split = suite === 'open' ? (values.split ?? 'all') : null;
  if (split !== null && !(OPEN_SPLITS as readonly string[]).includes(split)) throw new UsageError(`unknown split "${split}". Valid splits: ${OPEN_SPLITS.join(', ')}`);
  if (values.wording !== undefined && suite !== 'open') throw new UsageError('--wording only applies to --suite open');
  const wording = (values.wording ?? 'sampled') as Wording;
  if (!WORDINGS.includes(wording)) throw new UsageError(`unknown wording "${values.wording}". Valid: ${WORDINGS.join(', ')}`);
  let tasks = sourcesInSuite(suite, split ?? 'all', wording);
  if (values.task) {
    const ids = values.task.split(',').map((s) => s.trim()).filter(Boolean);
    for (const id of ids) {
      if (!TASKS.some((t) => t.id === id)) throw new UsageError(`unknown task "${id}". Valid tasks: ${TASKS.map((t) => t.id).join(', ')}`);
      if (!tasks.some((t) => t.id === id)) throw new UsageError(`task "${id}" is not in suite "${suite}". Its tasks: ${tasks.map((t) => t.id).join(', ')}`);
    }
    tasks = tasks.filter((t) => ids.includes(t.id));
  }
  const policy = values.policy!;
  if (!(POLICIES as readonly string[]).includes(policy)) throw new UsageError(`unknown policy "${policy}". Valid policies: ${POLICIES.join(', ')}`);
  if (policy === 'expert' && values.model) throw new UsageError('--model only applies to --policy model');
  if (policy === 'expert' && values.execution) throw new UsageError('--execution only applies to --policy model');
  if (policy === 'expert' && values.reading) throw new UsageError('--reading only applies to --policy model (the expert reads the program, not words)');
  const reading = policy === 'model' ? ((values.reading ?? 'step') as PolicyReading) : null;
  if (reading !== null && !POLICY_READINGS.includes(reading)) throw new UsageError(`unknown reading "${values.reading}". Valid: ${POLICY_READINGS.join(', ')}`);
  const interventions = values.interventions as InterventionMode;
  if (!INTERVENTION_MODES.includes(interventions)) throw new UsageError(`unknown interventions "${values.interventions}". Valid: ${INTERVENTION_MODES.join(', ')}`);
  let execution: ExecutionMode | null = null;
  if (policy === 'model') {
    try {
      execution = values.execution ? parseExecution(values.execution) : DEFAULT_EXECUTION;
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const via = (values.via ?? (policy === 'expert' ? 'node' : 'browser')) as 'node' | 'browser';
  if (via !== 'node' && via !== 'browser') throw new UsageError(`unknown backend "${via}". Valid: node, browser`);
  let perturbations: AxisSetting[];
  try {
    perturbations = parseAxes(values.perturb);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const trials = integer('trials', values.trials!, 1, 10_000);
  const seed = integer('seed', values.seed!, 0, 2 ** 31 - 1 - trials);
  // The shipped model unless --model names another (docs/architecture.md: --model is optional).
  const modelDir = policy === 'model' ? resolveModelDir(values.model ?? DEFAULT_MODEL_DIR) : null;
  return {
    suite,
    split,
    tasks,
    trials,
    seed,
    policy,
    model: modelDir ? modelUrlPath(modelDir) : null,
    modelDir,
    modelUrl: policy === 'model' && values.model && isModelUrl(values.model) ? values.model : null,
    execution,
    reading,
    interventions,
    perturbations,
    out: values.out ?? null,
    via,
    workers: integer('workers', values.workers!, 1, 16),
    distDir: values.dist!,
    build: !values['no-build'],
    help,
  };
}
