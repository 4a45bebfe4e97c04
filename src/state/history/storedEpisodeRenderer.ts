import type { CameraImages } from '../../engine/types';
import type { SceneDescription } from '../../sim/sceneDescription';
import type { StepRecord } from '../../workers/protocol';
import { loadRequestOf } from '../session/loadRequest';
import { SimLink } from '../session/simLink';
import type { EpisodeParams } from './historyEntry';

// A stored episode's own simulator, for what needs that episode's scene and cameras while another episode
// is on screen: the side-by-side view and the LeRobot export. It is a second sim worker (off the main
// thread, like the first) loaded with the episode's parameters and never run: its scene is the episode's,
// and it renders the policy cameras of a record that was kept without pixels under that episode's own
// perturbations (camera pose, lighting, background), exactly as the main view would have shown them.

export class StoredEpisodeRenderer {
  private readonly cache = new WeakMap<StepRecord, Promise<CameraImages | null>>();
  private failure: string | null = null;

  private constructor(
    private readonly link: SimLink,
    readonly scene: SceneDescription,
  ) {}

  /** Start a worker and load the episode; rejects with a message that says what failed. */
  static async open(params: EpisodeParams, makeWorker?: () => Worker): Promise<StoredEpisodeRenderer> {
    let self: StoredEpisodeRenderer | null = null;
    const link = new SimLink(
      {
        onEvent: () => undefined,
        onCrash: (message) => {
          if (self) self.failure = message;
        },
        onStarted: () => undefined,
        onGiveUp: () => undefined,
      },
      makeWorker,
    );
    try {
      const scene = await link.start();
      // The expert decides nothing here (the worker is never played); the episode's own policy would make
      // this load wait for a model that a renderer does not need.
      await link.call((api) => api.load({ ...loadRequestOf(params), policy: 'expert' }));
      self = new StoredEpisodeRenderer(link, scene);
      return self;
    } catch (err) {
      link.dispose();
      throw new Error(`could not load ${params.taskId} seed ${params.seed} to render it: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  /** The record's policy cameras: its own pixels, or rendered from its poses (once per record). */
  images(rec: StepRecord): Promise<CameraImages | null> {
    if (rec.images) return Promise.resolve(rec.images);
    let p = this.cache.get(rec);
    if (!p) {
      p = this.failure || !this.link.alive ? Promise.resolve(null) : this.link.api.renderFrame(rec.frame, rec.step).catch(() => null);
      this.cache.set(rec, p);
    }
    return p;
  }

  dispose(): void {
    this.link.dispose();
  }
}
