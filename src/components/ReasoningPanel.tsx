import { describeSubtask } from '../sim/reasoning';
import type { Subtask } from '../sim/tasks';
import { useEpisodeStore } from '../state/episodeStore';
import { hasOutput, modelExtras } from '../policy/modelDecision';
import { useUiStore } from '../state/uiStore';
import type { PolicyDecision, StepRecord } from '../workers/protocol';
import { ConfidenceInfo } from './attentionLegend';
import { compareDecisions, type Disagreement } from './disagreement';

const MOVE_ICON: Record<string, string> = {
  stop: '■',
  'move forward': '↑',
  'move backward': '↓',
  'move left': '←',
  'move right': '→',
  'move up': '⤒',
  'move down': '⤓',
  'close gripper': '⊐⊏',
  'open gripper': '⊏⊐',
  rotate: '⟳',
};

const pct = (x: number) => `${Math.round(100 * x)}%`;

function Confidence({ value, label }: { value: number; label: string }) {
  const level = value >= 0.8 ? 'high' : value >= 0.5 ? 'mid' : 'low';
  return (
    <span className={`confidence ${level}`} title={`${label}: the model's probability for its choice`} data-testid={`confidence-${label}`}>
      <span className="confidence-bar">
        <span style={{ width: pct(value) }} />
      </span>
      {pct(value)}
    </span>
  );
}

function GoalList({ record }: { record: StepRecord }) {
  const info = useEpisodeStore((s) => s.info);
  if (!info) return null;
  const { goalIndex, completed, status } = record.outcome;
  return (
    <ol className="goals" data-testid="goal-list">
      {info.goals.map((g, i) => {
        const done = i < completed;
        const current = !done && i === goalIndex && status !== 'success';
        const failed = current && status === 'failure';
        return (
          <li key={i} className={`goal ${done ? 'done' : ''} ${current ? 'current' : ''} ${failed ? 'failed' : ''}`}>
            <span className="goal-mark" aria-hidden="true">
              {done ? '✓' : failed ? '✕' : current ? '▸' : '○'}
            </span>
            <span className="goal-text">{g.instruction}</span>
          </li>
        );
      })}
    </ol>
  );
}

interface PlanProps {
  record: StepRecord;
  gt: PolicyDecision | null;
  diff: Disagreement | null;
}

function Plan({ record, gt, diff }: PlanProps) {
  const d = record.decision;
  const info = useEpisodeStore((s) => s.info);
  const goal = info?.goals[Math.min(record.outcome.goalIndex, (info?.goals.length ?? 1) - 1)];
  const plan: Subtask[] = d?.reasoning.plan ?? goal?.plan ?? [];
  const finished = record.outcome.status === 'success';
  const current = finished ? plan.length : (d?.reasoning.subtaskIndex ?? 0);
  const conf = d?.reasoning.confidence;
  const gtPlan = gt?.reasoning.plan ?? [];
  const gtCurrent = gt?.reasoning.subtaskIndex ?? -1;
  const rows = Math.max(plan.length, diff ? gtPlan.length : 0);
  return (
    <ol className="plan" data-testid="plan">
      {Array.from({ length: rows }, (_, i) => {
        const s = plan[i];
        const isCurrent = i === current && !finished && !!s;
        const mismatch = !!diff?.plan[i];
        return (
          <li
            key={i}
            className={`${i < current ? 'done' : isCurrent ? 'current' : ''} ${mismatch ? 'mismatch' : ''} ${s ? '' : 'missing'}`}
            data-current={isCurrent ? 'true' : undefined}
            data-mismatch={mismatch ? 'true' : undefined}
          >
            <span className="plan-index">{i + 1}</span>
            <span className="plan-body">
              <span className="plan-text">{s ? describeSubtask(s) : <span className="muted">(no step predicted)</span>}</span>
              {diff && gtPlan[i] && (mismatch || i === gtCurrent) && (
                <span className={`gt-line ${mismatch ? 'bad' : ''}`}>
                  {mismatch ? '≠ expert: ' : 'expert: '}
                  {describeSubtask(gtPlan[i])}
                  {i === gtCurrent ? ' (current)' : ''}
                </span>
              )}
              {diff && !gtPlan[i] && s && <span className="gt-line bad">≠ not in the expert's plan</span>}
            </span>
            {isCurrent && conf && <Confidence value={conf.subtask} label="subtask" />}
            {i < current && <span className="plan-tick">✓</span>}
          </li>
        );
      })}
    </ol>
  );
}

function GroundTruthToggle({ available }: { available: boolean }) {
  const show = useUiStore((s) => s.showGroundTruth);
  const set = useUiStore((s) => s.set);
  return (
    <label
      className={`toggle gt-toggle ${available ? '' : 'unavailable'}`}
      title={available ? "Show the scripted expert's labels for this state beside the model's prediction; disagreements are marked" : 'Ground truth is shown when the model drives'}
    >
      <input type="checkbox" data-testid="gt-toggle" checked={show} disabled={!available} onChange={(e) => set({ showGroundTruth: e.target.checked })} />
      vs expert
    </label>
  );
}

export function ReasoningPanel() {
  const view = useEpisodeStore((s) => s.view);
  const cursor = useEpisodeStore((s) => s.cursor);
  const crash = useEpisodeStore((s) => s.crash);
  const info = useEpisodeStore((s) => s.info);
  const showGt = useUiStore((s) => s.showGroundTruth);
  const policy = useEpisodeStore((s) => s.policy);
  const d = view?.decision ?? null;
  const extras = modelExtras(d);
  const gt = extras && showGt ? (view?.expert ?? null) : null;
  // A model without reasoning outputs has nothing to compare with the expert's plan and move.
  const reasons = !extras || hasOutput(extras, 'reasoning');
  const diff = d && gt && reasons ? compareDecisions(d, gt) : null;
  const grip = d && d.actions.length ? d.actions[0][6] : null;
  const gtGrip = gt && gt.actions.length ? gt.actions[0][6] : null;
  const conf = d?.reasoning.confidence;
  return (
    <section className="panel reasoning" data-testid="reasoning-panel" aria-label="Reasoning">
      <div className="panel-head">
        <h2>Reasoning</h2>
        {d ? (
          <span className={`source-badge ${d.source}`} data-testid="decision-source">
            {d.source === 'expert' ? 'expert labels' : 'model prediction'}
          </span>
        ) : (
          view && view.outcome.status !== 'running' && <span className="source-badge">episode over</span>
        )}
        {diff && (
          <span className={`diff-badge ${diff.count ? 'bad' : 'ok'}`} data-testid="gt-disagreements">
            {diff.count ? `${diff.count} disagreement${diff.count > 1 ? 's' : ''}` : 'agrees with expert'}
          </span>
        )}
        {cursor !== null && <span className="replay-badge">replay · step {view?.step}</span>}
        <GroundTruthToggle available={policy === 'model'} />
      </div>
      {extras && (
        <div className="prediction-meta muted small" data-testid="prediction-info" title="When the prediction shown was made, on which backend, and how long inference took">
          {extras.offset > 0
            ? `predicted at step ${extras.predictedAt}; step ${extras.predictedAt + extras.offset} executes its action ${extras.offset + 1}`
            : `predicted at step ${extras.predictedAt}`}{' '}
          · {extras.inferMs.toFixed(0)} ms on {extras.backend === 'webgpu' ? 'WebGPU' : 'WASM'}
        </div>
      )}
      {!view ? (
        <p className="muted">Waiting for the simulator…</p>
      ) : (
        <>
          {/* A single instruction is already in the instruction bar; chains list all five with their progress. */}
          {(info?.goals.length ?? 1) > 1 && (
            <>
              <div className="section-label">Instructions</div>
              <GoalList record={view} />
            </>
          )}
          {reasons ? (
            <>
              <div className="section-label with-aside">
                Plan {conf && <Confidence value={conf.plan} label="plan" />}
                {conf && <ConfidenceInfo />}
              </div>
              <Plan record={view} gt={gt} diff={diff} />
            </>
          ) : (
            <p className="muted" data-testid="no-reasoning">
              this model has no reasoning outputs (plan, subtask, move): it predicts actions only
            </p>
          )}
          <div className="reason-grid">
            {reasons && (
            <div className={`reason-cell ${diff?.move ? 'mismatch' : ''}`}>
              <div className="section-label with-aside">Move {conf && <Confidence value={conf.move} label="move" />}</div>
              <div className="move" data-testid="move">
                {d ? (
                  <>
                    <span className="move-icon">{MOVE_ICON[d.reasoning.move] ?? '•'}</span>
                    {d.reasoning.move}
                  </>
                ) : (
                  <span className="muted">—</span>
                )}
              </div>
              {gt && (
                <div className={`gt-line ${diff?.move ? 'bad' : ''}`} data-testid="gt-move">
                  {diff?.move ? '≠ expert: ' : '= expert: '}
                  {gt.reasoning.move}
                </div>
              )}
            </div>
            )}
            <div className={`reason-cell ${diff?.gripper ? 'mismatch' : ''}`}>
              <div className="section-label">Gripper</div>
              <div className="gripper">
                <span className="gripper-width">{(view.gripperWidth * 1000).toFixed(0)} mm</span>
                <span className="muted">{grip === null ? '' : grip > 0 ? '→ closing' : '→ open'}</span>
              </div>
              {gt && gtGrip !== null && (
                <div className={`gt-line ${diff?.gripper ? 'bad' : ''}`}>
                  {diff?.gripper ? '≠' : '='} expert: {gtGrip > 0 ? 'close' : 'open'}
                </div>
              )}
            </div>
            <div className="reason-cell">
              <div className="section-label">End effector</div>
              <div className="mono small">
                {view.tcp.map((v) => v.toFixed(3)).join(', ')} m
              </div>
            </div>
          </div>
          {extras?.fault && (
            <div className="outcome failure" role="alert" data-testid="model-fault">
              ✕ Refused model output: {extras.fault}
            </div>
          )}
          {(crash || view.outcome.status === 'failure') && !(extras?.fault && crash?.includes(extras.fault)) && (
            <div className="outcome failure" role="alert">
              ✕ {crash ?? view.outcome.reason}
            </div>
          )}
          {view.outcome.status === 'success' && <div className="outcome success">✓ Task achieved in {view.step} steps</div>}
        </>
      )}
    </section>
  );
}
