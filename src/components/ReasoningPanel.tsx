import { describeSubtask } from '../sim/reasoning';
import { useEpisodeStore } from '../state/episodeStore';
import type { StepRecord } from '../workers/protocol';

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

function Plan({ record }: { record: StepRecord }) {
  const d = record.decision;
  const info = useEpisodeStore((s) => s.info);
  const goal = info?.goals[Math.min(record.outcome.goalIndex, (info?.goals.length ?? 1) - 1)];
  const plan = d?.reasoning.plan ?? goal?.plan ?? [];
  const finished = record.outcome.status === 'success';
  const current = finished ? plan.length : (d?.reasoning.subtaskIndex ?? 0);
  return (
    <ol className="plan" data-testid="plan">
      {plan.map((s, i) => (
        <li key={i} className={i < current ? 'done' : i === current && !finished ? 'current' : ''} data-current={i === current && !finished ? 'true' : undefined}>
          <span className="plan-index">{i + 1}</span>
          <span className="plan-text">{describeSubtask(s)}</span>
          {i < current && <span className="plan-tick">✓</span>}
        </li>
      ))}
    </ol>
  );
}

export function ReasoningPanel() {
  const view = useEpisodeStore((s) => s.view);
  const cursor = useEpisodeStore((s) => s.cursor);
  const crash = useEpisodeStore((s) => s.crash);
  const info = useEpisodeStore((s) => s.info);
  const d = view?.decision ?? null;
  const grip = d ? d.actions[0][6] : null;
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
        {cursor !== null && <span className="replay-badge">replay · step {view?.step}</span>}
      </div>
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
          <div className="section-label">Plan</div>
          <Plan record={view} />
          <div className="reason-grid">
            <div className="reason-cell">
              <div className="section-label">Move</div>
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
              {conf && <div className="muted small">confidence {(conf.move * 100).toFixed(0)}%</div>}
            </div>
            <div className="reason-cell">
              <div className="section-label">Gripper</div>
              <div className="gripper">
                <span className="gripper-width">{(view.gripperWidth * 1000).toFixed(0)} mm</span>
                <span className="muted">{grip === null ? '' : grip > 0 ? '→ closing' : '→ open'}</span>
              </div>
            </div>
            <div className="reason-cell">
              <div className="section-label">End effector</div>
              <div className="mono small">
                {view.tcp.map((v) => v.toFixed(3)).join(', ')} m
              </div>
            </div>
          </div>
          {(crash || view.outcome.status === 'failure') && (
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
