import { useEffect, useState } from 'react';
import contract from '../policy/contract.json';
import { useEpisodeStore } from '../state/episodeStore';
import { RealtimeMeter, realtimeText, SlowIndicator } from '../state/realtimeMeter';
import { useSession } from '../state/session/context';
import './realtimeIndicator.css';

// "0.4× real time" beside the status while the loop runs slower than the chosen speed asks for; nothing
// otherwise. Steps are timed as they arrive (the session's record notifications); the verdict is taken
// twice a second, so this costs the main thread nothing per frame.

const CONTROL_HZ: number = contract.action.control_hz;
const EVERY_MS = 500;

interface Shown {
  text: string;
  title: string;
}

export function RealtimeIndicator() {
  const controller = useSession();
  const [shown, setShown] = useState<Shown | null>(null);
  useEffect(() => {
    const meter = new RealtimeMeter();
    const slow = new SlowIndicator();
    const get = useEpisodeStore.getState;
    // A run that starts, stops, waits for approval or changes speed is measured afresh.
    const restart = () => meter.reset(get().live?.step ?? 0, performance.now());
    restart();
    const unsubRun = useEpisodeStore.subscribe((s, prev) => {
      if (s.run !== prev.run || s.speed !== prev.speed) restart();
    });
    const unsubSteps = controller.subscribe(() => meter.observe(get().live?.step ?? 0, performance.now()));
    const id = setInterval(() => {
      const s = get();
      const now = performance.now();
      const asked = Number.isFinite(s.speed) && s.speed > 0 ? CONTROL_HZ * s.speed : null;
      const rate = s.run === 'running' && asked !== null ? meter.rate(now) : null;
      const slowNow = slow.update(rate !== null && asked !== null ? rate / asked : null, now);
      const next: Shown | null =
        slowNow && rate !== null
          ? { text: realtimeText(rate, CONTROL_HZ), title: `The loop runs ${rate.toFixed(1)} steps per second; ${s.speed}× asks for ${(asked ?? 0).toFixed(1)} (the ${CONTROL_HZ} Hz control rate × speed)` }
          : null;
      setShown((prev) => (prev?.text === next?.text ? prev : next));
    }, EVERY_MS);
    return () => {
      unsubRun();
      unsubSteps();
      clearInterval(id);
    };
  }, [controller]);
  if (!shown) return null;
  return (
    <span className="realtime-indicator" data-testid="realtime-indicator" title={shown.title}>
      <span aria-hidden="true">⚠</span> {shown.text}
    </span>
  );
}
