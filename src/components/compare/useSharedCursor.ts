import { useEffect, useState } from 'react';
import { useEpisodeStore } from '../../state/episodeStore';

// The shared time cursor as the compare pane reads it: the main view's step. While the episode on screen
// runs, records arrive at up to 40 Hz; the pane (a second WebGL canvas, a camera render per step) follows
// at most ten times a second and always settles on the newest step.

const FOLLOW_MS = 100;

const viewStep = () => useEpisodeStore.getState().view?.step ?? null;

export function useSharedCursor(): number | null {
  const [step, setStep] = useState(viewStep);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last = 0;
    const flush = () => {
      timer = null;
      last = performance.now();
      setStep(viewStep());
    };
    const unsubscribe = useEpisodeStore.subscribe((s, p) => {
      if (s.view === p.view || timer) return;
      const wait = s.playing ? last + FOLLOW_MS - performance.now() : 0;
      if (wait > 0) timer = setTimeout(flush, wait);
      else flush();
    });
    flush();
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, []);
  return step;
}
