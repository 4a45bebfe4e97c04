import { useEpisodeStore } from '../episodeStore';
import { useUiStore } from '../uiStore';
import { useViewCamera } from '../viewCamera';
import type { ViewLink } from '../viewLink';

// Opening a link where it was copied: the overlays, the attention selection and the 3D camera are set at
// once; the step is reached by running the seeded episode (with its corrections and approval answers) at
// full speed to it and showing that step, so what is on screen is the very state the link was made at.

export function applyViewLink(v: ViewLink): void {
  if (v.overlays) useUiStore.getState().set(v.overlays);
  if (v.attention) useUiStore.getState().set({ attentionQuery: v.attention.query, attentionHead: v.attention.head });
  if (v.camera) useViewCamera.setState({ requested: v.camera });
}

export interface Runner {
  play(speed: number): void;
  pause(): void;
  scrub(step: number): void;
}

/**
 * Run until `step` is recorded, or the run stops on its own (the episode ended, or a prediction waits for a
 * person past the link's answers), then show `step` (or the last step there is).
 */
export async function runToStep(r: Runner, step: number, pollMs = 20): Promise<void> {
  const recorded = () => useEpisodeStore.getState().live?.step ?? 0;
  if (recorded() < step) {
    r.play(Infinity);
    // The run flag is set by the worker's phase event, a moment after play.
    let started = false;
    for (;;) {
      await new Promise((res) => setTimeout(res, pollMs));
      const s = useEpisodeStore.getState();
      started ||= s.playing;
      if (recorded() >= step) break;
      if (started && (!s.playing || s.run === 'awaiting')) break;
      if (s.run === 'faulted') return;
    }
    r.pause();
    while (useEpisodeStore.getState().playing && useEpisodeStore.getState().run !== 'awaiting') await new Promise((res) => setTimeout(res, pollMs));
  }
  r.scrub(Math.min(step, recorded()));
}
