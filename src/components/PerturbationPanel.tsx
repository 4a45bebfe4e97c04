import { useState } from 'react';
import { AXES, AXIS_INFO, formatAxes, type AxisName, type AxisSetting, type Level } from '../sim/axes';
import { useSession } from '../state/session/context';
import { useEpisodeStore } from '../state/episodeStore';
import './perturbationPanel.css';

// The robustness axes on the episode on screen (docs/robustness.md): pick a level per axis and apply; the
// episode restarts from its seed, perturbed, and the link carries it (`&perturb=camera:2,lighting:1`). What
// the axes did is listed under the choices; in-episode events are marked on the timeline.

type Choice = Partial<Record<AxisName, Level>>;

const toChoice = (s: AxisSetting[]): Choice => Object.fromEntries(s.map((x) => [x.axis, x.level]));
const toSettings = (c: Choice): AxisSetting[] => AXES.filter((a) => c[a]).map((axis) => ({ axis, level: c[axis]! }));

export function PerturbationPanel() {
  const controller = useSession();
  const applied = useEpisodeStore((s) => s.perturb);
  const info = useEpisodeStore((s) => s.info?.perturb ?? null);
  // What the axes did before the start, then what they will do during the episode, with its step.
  const events = info ? [...info.events, ...info.schedule.map((p) => `${p.label} at step ${p.step}`)] : null;
  // The choices being edited belong to the axes in force when editing began; new axes in force (a link,
  // Clear) start the choices over.
  const appliedKey = formatAxes(applied);
  const [draft, setDraft] = useState<{ key: string; choice: Choice }>(() => ({ key: appliedKey, choice: toChoice(applied) }));
  const choice = draft.key === appliedKey ? draft.choice : toChoice(applied);
  const setChoice = (f: (c: Choice) => Choice) => setDraft({ key: appliedKey, choice: f(choice) });
  const pending = formatAxes(toSettings(choice)) !== formatAxes(applied);
  const summary = applied.length ? formatAxes(applied).replaceAll(',', ', ') : 'none';
  return (
    <details className="perturb-panel" data-testid="perturbation-panel">
      <summary title="Seeded perturbations along the robustness axes, applied to this episode">
        Perturb: <span className="mono" data-testid="perturbation-summary">{summary}</span>
      </summary>
      <div className="perturb-axes">
        {AXES.map((axis) => (
          <label key={axis} className="perturb-axis" title={`${AXIS_INFO[axis].what}. ${[1, 2, 3].map((l) => `${l}: ${AXIS_INFO[axis].levels[l as Level]}`).join('; ')}`}>
            <span className="perturb-name">{axis.replace('_', ' ')}</span>
            <select
              data-testid={`perturb-${axis}`}
              value={choice[axis] ?? 0}
              onChange={(e) => {
                const v = Number(e.target.value);
                setChoice((c) => ({ ...c, [axis]: v ? (v as Level) : undefined }));
              }}
            >
              <option value={0}>off</option>
              <option value={1}>1 mild</option>
              <option value={2}>2 moderate</option>
              <option value={3}>3 strong</option>
            </select>
          </label>
        ))}
      </div>
      <div className="perturb-actions">
        <button type="button" className="button" data-testid="perturb-apply" disabled={!pending} onClick={() => void controller.setPerturb(toSettings(choice))}>
          Apply and restart
        </button>
        <button type="button" className="link-button" disabled={!applied.length && !toSettings(choice).length} onClick={() => void controller.setPerturb([])}>
          Clear
        </button>
      </div>
      {events && events.length > 0 && (
        <ul className="perturb-events" data-testid="perturbation-events" aria-label="What the perturbations did">
          {events.map((e, i) => (
            <li key={i}>{e}</li>
          ))}
        </ul>
      )}
    </details>
  );
}
