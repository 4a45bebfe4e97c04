import { useMemo } from 'react';
import { useSession } from '../../state/session/context';
import { useUiStore } from '../../state/uiStore';
import { COLORS } from './chartSpecs';
import { PlotGrid } from './PlotGrid';
import { plotSource } from './plotSource';
import './plots.css';

// The plots under the controls, synced to the time cursor: per action dimension what executed and the chunk
// planned at the cursor's step (dashed, ahead of the cursor, as the ghost path shows it in 3D), the gripper
// command, the reasoning heads' confidences, and latency per step with p50/p95. A press or drag on any plot
// moves the cursor, exactly as the timeline does. Collapsed, nothing is built or drawn. The charts
// themselves are PlotGrid.tsx, shared with the compare pane.

export function PlotsPanel() {
  const open = useUiStore((s) => s.showPlots);
  const set = useUiStore((s) => s.set);
  const session = useSession();
  const source = useMemo(() => plotSource(session, 'main'), [session]);
  return (
    <section className="plots" data-testid="plots" aria-label="Plots">
      <div className="plots-head">
        <button type="button" className="plots-toggle" data-testid="plots-toggle" aria-expanded={open} aria-controls="plots-body" onClick={() => set({ showPlots: !open })}>
          <span className="plots-caret" aria-hidden="true">
            {open ? '▾' : '▸'}
          </span>
          Plots
        </button>
        {open && (
          <span className="plots-legend">
            <span className="swatch line" style={{ color: COLORS.executed }} aria-hidden="true" /> executed
            <span className="swatch dashed" style={{ color: COLORS.plan }} aria-hidden="true" /> chunk planned at the cursor
            <span className="muted"> · press or drag on a plot to move the cursor</span>
          </span>
        )}
      </div>
      {open && <PlotGrid source={source} />}
    </section>
  );
}
