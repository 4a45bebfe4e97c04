import { useMemo } from 'react';
import { useCompareStore } from '../../state/compare/compareStore';
import { sharedStep } from '../../state/compare/sharedCursor';
import { useSession } from '../../state/session/context';
import { PlotGrid } from '../plots/PlotGrid';
import { plotSource } from '../plots/plotSource';
import { CompareCameras } from './CompareCameras';
import { CompareHeader } from './CompareHeader';
import { CompareScene } from './CompareScene';
import { useSharedCursor } from './useSharedCursor';
import './compare.css';

// A stored episode beside the one on screen, on the one time cursor: its 3D scene, policy cameras and plots
// at the main view's step (its last record, said so, once it has ended). A press on its plots moves the
// shared cursor. State lives in src/state/compare/; this only shows it.

export function ComparePane() {
  const session = useSession();
  const status = useCompareStore((s) => s.status);
  const entry = useCompareStore((s) => s.entry);
  const records = useCompareStore((s) => s.records);
  const error = useCompareStore((s) => s.error);
  const renderer = useCompareStore((s) => s.renderer);
  const cameraError = useCompareStore((s) => s.cameraError);
  const cursor = useSharedCursor();
  const source = useMemo(() => plotSource(session, 'compared'), [session]);
  if (status === 'closed') return null;

  const shown = records && cursor !== null ? sharedStep(records, cursor) : null;
  const rec = shown?.record ?? null;
  // One MJCF for every task: the main view's scene draws the compared bodies while its own simulator starts.
  const scene = renderer?.scene ?? session.scene;
  return (
    <section
      className="compare-view"
      data-testid="compare-view"
      data-status={status}
      data-episode-id={entry?.id}
      data-cursor={cursor ?? undefined}
      data-step={rec?.step}
      data-tcp={rec ? rec.tcp.join(',') : undefined}
      aria-label="Compared episode"
    >
      <div className="compare-bar">
        <h2>Compare</h2>
        {rec && (
          <span className="compare-step" data-testid="compare-step" aria-live="polite">
            {shown?.ended ? `ended at step ${rec.step}` : `step ${rec.step}`}
          </span>
        )}
        <button type="button" className="button small ghost compare-close" data-testid="compare-close" aria-label="Close the comparison" title="Close the comparison (Esc)" onClick={() => session.compare.close()}>
          ✕
        </button>
      </div>
      {status === 'loading' && <p className="compare-note">Loading the episode from the history…</p>}
      {status === 'error' && (
        <p className="compare-note error" role="alert" data-testid="compare-error">
          {error}
        </p>
      )}
      {entry && <CompareHeader entry={entry} />}
      {records && rec && (
        <div className="compare-body">
          <div className="compare-top">
            {scene && <CompareScene scene={scene} records={records} record={rec} />}
            <CompareCameras record={rec} cameras={scene?.cameras ?? []} renderer={renderer} error={cameraError} />
          </div>
          <PlotGrid source={source} prefix="compare-" label="Plots of the compared episode" />
        </div>
      )}
    </section>
  );
}
