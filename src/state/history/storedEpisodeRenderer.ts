import type { CameraImages } from '../../engine/types';
import type { SceneDescription } from '../../sim/sceneDescription';
import type { StepRecord } from '../../workers/protocol';
import { errorText } from '../errorText';
import { FrameImages } from '../session/frameImages';
import { loadRequestOf } from '../session/loadRequest';
import { SimLink } from '../session/simLink';
import type { EpisodeParams } from './historyEntry';

// A stored episode's own simulator, for what needs that episode's scene and cameras while another episode
// is on screen: the side-by-side view and the LeRobot export. It is a second sim worker (off the main
// thread, like the first) loaded with the episode's parameters and never run: its scene is the episode's,
// and it renders the policy cameras of a record that was kept without pixels under that episode's own
// perturbations (camera pose, lighting, background), exactly as the main view would have shown them.
// It is never restarted: a worker that dies ends its loading and renders with an answer, not a wait.

export class StoredEpisodeRenderer {
  private readonly frames: FrameImages;

  private constructor(
    private readonly link: SimLink,
    readonly scene: SceneDescription,
    /** Why its worker cannot render cameras (no WebGL there); its images are then all null. */
    readonly cameraError: string | null,
  ) {
    this.frames = new FrameImages(link);
  }

  /** Start a worker and load the episode; rejects with a message that says what failed. */
  static async open(params: EpisodeParams, makeWorker?: () => Worker): Promise<StoredEpisodeRenderer> {
    let cameraError: string | null = null;
    const link = new SimLink(
      {
        onEvent: () => undefined,
        // The worker is gone: `link.gone` ends whatever waited on it.
        onCrash: () => undefined,
        onStarted: (_scene, error) => void (cameraError = error),
        onGiveUp: () => undefined,
      },
      makeWorker,
    );
    try {
      const scene = await link.start();
      // The expert decides nothing here (the worker is never played); the episode's own policy would make
      // this load wait for a model that a renderer does not need.
      await Promise.race([link.call((api) => api.load({ ...loadRequestOf(params), policy: 'expert' })), link.gone]);
      return new StoredEpisodeRenderer(link, scene, cameraError);
    } catch (err) {
      link.dispose();
      throw new Error(`could not load ${params.taskId} seed ${params.seed} to render it: ${errorText(err)}`, { cause: err });
    }
  }

  /** Its worker is still there to render (it is never restarted). */
  get alive(): boolean {
    return this.link.alive;
  }

  /** The record's policy cameras: its own pixels, or rendered from its poses (once per record); null if they cannot be. */
  images(rec: StepRecord): Promise<CameraImages | null> {
    return this.frames.of(rec);
  }

  dispose(): void {
    this.link.dispose();
  }
}
