import { create } from 'zustand';
import contract from '../policy/contract.json';
import { useEpisodeStore } from './episodeStore';

// Playing a finished episode's recording back: the time cursor advances through the recorded steps at the
// chosen speed, on the main thread, while the simulator does nothing. Nothing is reloaded or discarded,
// which is why space on a finished episode does this rather than run it again.

const CONTROL_HZ: number = contract.action.control_hz;
/** At "max" speed, one recorded step per display frame or so. */
const MAX_SPEED_PERIOD_MS = 16;

export const useReplayStore = create<{ active: boolean }>(() => ({ active: false }));

export interface ReplayHost {
  readonly records: readonly unknown[];
  /** Show recorded step i (the timeline's own scrub). */
  scrub(i: number): void;
}

export class ReplayPlayer {
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** The step this player put on screen last, and how many records there were when it started. */
  private at = 0;
  private count = 0;

  constructor(private readonly host: ReplayHost) {}

  get active(): boolean {
    return this.timer !== null;
  }

  /** Play from `from` (from the start when `from` is the last step: there is nothing after it). */
  start(from: number): void {
    this.stop();
    const last = this.host.records.length - 1;
    if (last < 1) return;
    this.at = from >= last ? 0 : Math.max(0, from);
    this.count = this.host.records.length;
    this.host.scrub(this.at);
    this.schedule();
    useReplayStore.setState({ active: true });
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (useReplayStore.getState().active) useReplayStore.setState({ active: false });
  }

  toggle(from: number): void {
    if (this.active) this.stop();
    else this.start(from);
  }

  private schedule(): void {
    const speed = useEpisodeStore.getState().speed;
    const period = Number.isFinite(speed) && speed > 0 ? 1000 / (CONTROL_HZ * speed) : MAX_SPEED_PERIOD_MS;
    this.timer = setTimeout(() => this.tick(), period);
  }

  private tick(): void {
    this.timer = null;
    // A person moved the cursor, or another episode was loaded: the playback gives way.
    const shown = useEpisodeStore.getState().view?.step;
    const last = this.host.records.length - 1;
    if (this.host.records.length !== this.count || shown !== this.at || this.at >= last) {
      this.stop();
      return;
    }
    this.at += 1;
    this.host.scrub(this.at);
    if (this.at >= last) this.stop();
    else this.schedule();
  }
}
