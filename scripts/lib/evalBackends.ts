import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Page } from 'playwright-core';
import { TabletopEnv } from '../../src/sim/env';
import { formatAxes, type AxisSetting } from '../../src/sim/axes';
import type { ExecutionMode } from '../../src/policy/execution';
import type { PolicyReading } from '../../src/engine/types';
import type { InterventionMode } from '../../src/engine/interventions';
import { expertStepPolicy, runEpisode, type EpisodeResult } from '../../src/sim/rollout';
import type { RunnerSession } from './runnerClient';
import { UsageError } from './cli';
import type { WorkerReply, WorkerRequest } from './evalWorker';

// Where eval episodes run. The Node backend runs the simulation and the scripted expert in this process
// (or in worker threads): fast, and all the expert needs. The browser backend drives the built app's
// headless runner page, the only place a learned policy can run, because it needs the rendered cameras.

export interface EpisodeJob {
  task: string;
  seed: number;
  /** This episode's axis levels, in place of the backend's (the robustness sweep runs many cells on one backend). */
  perturb?: AxisSetting[];
}

export interface EpisodeBackend {
  readonly name: 'node' | 'browser';
  /** How many episodes may run at once (call `run` with lane 0..lanes-1). */
  readonly lanes: number;
  /** SHA-256 of the model file evaluated (the bytes in --model DIR), null without a model. */
  readonly modelSha256: string | null;
  run(job: EpisodeJob, lane: number): Promise<EpisodeResult>;
  close(): Promise<void>;
}

export interface BackendOptions {
  policy: string;
  /** URL path the runner page loads the model from. */
  model: string | null;
  /** The model directory on disk, served at `model`. */
  modelDir?: string | null;
  /** Where modelDir is downloaded from first (`--model URL`). */
  modelUrl?: string | null;
  /** The model's chunk execution; the runner's default when absent. */
  execution?: ExecutionMode | null;
  perturbations: AxisSetting[];
  /** Which words the model gets during multi-step instructions; the runner's default ('step') when absent. */
  reading?: PolicyReading | null;
  /** One seeded switched instruction per episode ('switch'), or none. */
  interventions?: InterventionMode;
  workers: number;
  distDir: string;
  build: boolean;
}

// One class for every CLI (scripts/lib/cli.ts); re-exported where eval has always imported it from.
export { UsageError };

// ------------------------------------------------------------------------------------------ node

class NodeBackend implements EpisodeBackend {
  readonly name = 'node';
  readonly modelSha256 = null;
  private pending = new Map<number, { ok: (r: EpisodeResult) => void; fail: (e: Error) => void }>();
  private nextId = 0;

  private constructor(
    private readonly env: TabletopEnv | null,
    private readonly workers: Worker[],
    private readonly perturbations: AxisSetting[],
    private readonly interventions: InterventionMode = 'none',
  ) {
    for (const w of workers) {
      w.on('message', (m: WorkerReply) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.result) p.ok(m.result);
        else p.fail(new Error(m.error ?? 'worker failed'));
      });
      w.on('error', (e: Error) => {
        for (const p of this.pending.values()) p.fail(e);
        this.pending.clear();
      });
    }
  }

  get lanes(): number {
    return Math.max(1, this.workers.length);
  }

  static async open(o: BackendOptions): Promise<NodeBackend> {
    if (o.workers <= 1) return new NodeBackend(await TabletopEnv.create(), [], o.perturbations, o.interventions);
    // Worker threads do not inherit tsx's loader: register it in the thread, then load the TypeScript lane.
    const url = new URL('./evalWorker.ts', import.meta.url).href;
    const boot = `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(url)}); })`;
    const workers = Array.from({ length: o.workers }, () => new Worker(boot, { eval: true, workerData: { perturbations: o.perturbations } }));
    return new NodeBackend(null, workers, o.perturbations, o.interventions);
  }

  private readonly policy = expertStepPolicy();

  run(job: EpisodeJob, lane: number): Promise<EpisodeResult> {
    if (this.env) return runEpisode(this.env, job.task, job.seed, this.policy, job.perturb ?? this.perturbations, this.interventions);
    const id = this.nextId++;
    return new Promise((ok, fail) => {
      this.pending.set(id, { ok, fail });
      this.workers[lane].postMessage({ id, job, interventions: this.interventions } satisfies WorkerRequest);
    });
  }

  async close(): Promise<void> {
    this.env?.dispose();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

// ------------------------------------------------------------------------------------------ browser
class BrowserBackend implements EpisodeBackend {
  readonly name = 'browser';
  private constructor(
    private readonly session: RunnerSession,
    private readonly o: BackendOptions,
    readonly modelSha256: string | null,
  ) {}

  get lanes(): number {
    return this.session.pages.length;
  }

  static async open(o: BackendOptions): Promise<BrowserBackend> {
    if (!existsSync('runner.html') && !existsSync(`${o.distDir}/runner.html`)) {
      throw new UsageError('the browser backend needs the headless runner page (runner.html, src/runner/runner.ts); it is not in this checkout');
    }
    // Before the build and the browser: a model that cannot load is refused with its path.
    if (o.modelUrl && o.modelDir) await (await import('./modelUrl')).downloadModel(o.modelUrl, o.modelDir);
    const model = o.model && o.modelDir ? await (await import('./evalModel')).checkModel(o.modelDir) : null;
    // Loaded on demand: playwright is heavy and the Node backend never needs it.
    const [{ ensureBuilt }, { openRunner }] = await Promise.all([import('./build'), import('./runnerClient')]);
    if (o.build) ensureBuilt(o.distDir);
    else if (!existsSync(`${o.distDir}/runner.html`)) throw new UsageError(`${o.distDir}/runner.html is missing: build the app (npx vite build) or drop --no-build`);
    // The page loads the model from the directory given, never from a same-named copy in the build.
    const mounts = model && o.model ? { [`/${o.model}/`]: model.dir } : {};
    const session = await openRunner({ distDir: o.distDir, pages: o.workers, mounts });
    if (!session.info.policies.includes(o.policy)) {
      await session.close();
      throw new UsageError(`the runner page has no policy "${o.policy}". Its policies: ${session.info.policies.join(', ')}`);
    }
    if (!session.info.axes) {
      await session.close();
      throw new UsageError('this build of the runner page predates the robustness axes; rebuild it (drop --no-build)');
    }
    return new BrowserBackend(session, o, model?.sha256 ?? null);
  }

  async run(job: EpisodeJob, lane: number): Promise<EpisodeResult> {
    const page: Page = this.session.pages[lane];
    let r;
    try {
      r = await this.session.runEpisode(page, {
        taskId: job.task,
        seed: job.seed,
        policy: this.o.policy,
        policyOptions: this.o.model ? { model: this.o.model, ...(this.o.execution ? { execution: this.o.execution } : {}) } : {},
        ...((job.perturb ?? this.o.perturbations).length ? { perturbations: [formatAxes(job.perturb ?? this.o.perturbations)] } : {}),
        ...(this.o.reading ? { reading: this.o.reading } : {}),
        ...(this.o.interventions && this.o.interventions !== 'none' ? { interventions: this.o.interventions } : {}),
      });
    } catch (e) {
      // The page only knows the URL it loaded; the person gave a folder.
      const what = this.o.modelDir ? ` with the model in ${this.o.modelDir} (served as /${this.o.model}/)` : '';
      throw new Error(`episode ${job.task} seed ${job.seed}${what} failed in the runner page: ${(e as Error).message}`, { cause: e });
    }
    // The runner's result is the engine's plus page-only figures; the report keeps the engine's fields.
    const { task, seed, instruction, success, steps, completed, goals, reason, wall_ms, events, atoms, text, intervention } = r;
    return { task, seed, instruction, success, steps, completed, goals, reason, wall_ms: Math.round(wall_ms), events, ...(text !== undefined ? { atoms, text } : {}), ...(intervention ? { intervention } : {}) };
  }

  close(): Promise<void> {
    return this.session.close();
  }
}

export async function openBackend(via: 'node' | 'browser', o: BackendOptions): Promise<EpisodeBackend> {
  if (via === 'node') {
    if (o.policy !== 'expert') {
      throw new UsageError(`policy "${o.policy}" needs rendered camera images, which only the browser runner makes: use --via browser`);
    }
    return NodeBackend.open(o);
  }
  return BrowserBackend.open(o);
}
