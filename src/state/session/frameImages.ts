import type { CameraImages } from '../../engine/types';
import type { StepRecord } from '../../workers/protocol';
import type { SimLink } from './simLink';

// The policy cameras of recorded steps, for the main view (EpisodeSession) and for a stored episode's own
// simulator (StoredEpisodeRenderer): a record's own pixels where a policy looked at them, otherwise rendered
// by the sim worker from the record's poses, once per record.

export class FrameImages {
  private readonly cache = new WeakMap<StepRecord, Promise<CameraImages | null>>();

  constructor(private readonly sim: SimLink) {}

  /** Resolves with null when they cannot be rendered (no worker, no WebGL there, or the worker died meanwhile). */
  of(rec: StepRecord): Promise<CameraImages | null> {
    if (rec.images) return Promise.resolve(rec.images);
    // Not kept: a restarted worker can render it.
    if (!this.sim.alive) return Promise.resolve(null);
    let p = this.cache.get(rec);
    if (!p) {
      // A call to a worker that dies never settles: the race ends it, and the record is asked again later.
      p = Promise.race([this.sim.api.renderFrame(rec.frame, rec.step), this.sim.gone]).catch(() => {
        this.cache.delete(rec);
        return null;
      });
      this.cache.set(rec, p);
    }
    return p;
  }
}
