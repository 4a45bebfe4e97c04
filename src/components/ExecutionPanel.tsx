import { useState } from 'react';
import { describeSubtask } from '../sim/reasoning';
import { useSession } from '../state/session/context';
import { useEpisodeStore } from '../state/episodeStore';
import { hasOutput, modelExtras } from '../policy/modelDecision';
import { MAX_K, usePolicyStore } from '../state/policyStore';

// How the model's predicted chunks turn into motion (on the 3D view, top right), and the approval gate
// (bottom centre) that holds each prediction on screen until a person accepts it.

export function ExecutionPanel() {
  const controller = useSession();
  const policy = useEpisodeStore((s) => s.policy);
  const exec = usePolicyStore((s) => s.execution);
  const H = usePolicyStore((s) => s.info?.chunkLength ?? MAX_K);
  if (policy !== 'model') return null;
  return (
    <div className="exec-panel" data-testid="execution-panel" aria-label="Model execution">
      <label className="exec-row">
        <span className="field-label">Execute</span>
        <select
          data-testid="execution-mode"
          value={exec.kind}
          onChange={(e) => controller.setExecution({ kind: e.target.value as 'chunk' | 'ensemble' })}
          title="Chunking: run k of the H predicted actions, then predict again. Temporal ensembling (ACT): predict every step and average the overlapping predictions."
        >
          <option value="chunk">k of each chunk</option>
          <option value="ensemble">ACT ensembling</option>
        </select>
      </label>
      {exec.kind === 'chunk' ? (
        <label className="exec-row" title={`Actions executed from each prediction before the model is asked again (1 = re-plan every step, ${H} = the whole chunk)`}>
          <span className="field-label">k</span>
          <input type="range" data-testid="execution-k" min={1} max={H} step={1} value={exec.k} onChange={(e) => controller.setExecution({ k: Number(e.target.value) })} />
          <span className="exec-value mono">
            {exec.k} of {H}
          </span>
        </label>
      ) : (
        <label className="exec-row" title="ACT weights w_i = exp(-m·i) over the predictions covering a step, oldest first: m = 0 averages them equally, larger m trusts the oldest more">
          <span className="field-label">m</span>
          <input type="range" data-testid="execution-m" min={0} max={1} step={0.01} value={exec.m} onChange={(e) => controller.setExecution({ m: Number(e.target.value) })} />
          <span className="exec-value mono">{exec.m.toFixed(2)}</span>
        </label>
      )}
      <label className="exec-row toggle" title="Stop after each prediction until you accept it (button or Enter)">
        <input type="checkbox" data-testid="approval-toggle" checked={exec.approval} onChange={(e) => controller.setExecution({ approval: e.target.checked })} />
        approve each prediction
      </label>
    </div>
  );
}

export function ApprovalBar() {
  const controller = useSession();
  const awaiting = usePolicyStore((s) => s.awaiting);
  const k = usePolicyStore((s) => (s.execution.kind === 'chunk' ? s.execution.k : 1));
  const live = useEpisodeStore((s) => s.live);
  const [partial, setPartial] = useState(1);
  if (awaiting === null || !live || live.step !== awaiting) return null;
  const d = live.decision;
  const extras = modelExtras(d);
  const sub = d?.reasoning.plan[d.reasoning.subtaskIndex];
  const conf = d?.reasoning.confidence;
  const closes = d?.actions.slice(0, k).some((a) => a[6] > 0) && live.gripperWidth > 0.03;
  return (
    <div className="approval-bar" data-testid="approval-bar" role="dialog" aria-label="Approve the model's plan">
      <div className="approval-text">
        <strong>The model proposes</strong>
        <span>
          {!d ? '…' : hasOutput(extras, 'reasoning') ? `${d.reasoning.move}${sub ? ` to ${describeSubtask(sub)}` : ''}` : 'a path (actions only, no reasoning)'}
          {closes ? ', closing the gripper' : ''} · {k} step{k > 1 ? 's' : ''}
          {conf ? ` · confidence ${Math.round(100 * conf.move)}%` : ''}
        </span>
        {k > 1 && <span className="approval-hint">or click a point of the blue path to execute up to it</span>}
        {extras?.tokens.unknown.length ? <span className="warn">reads {extras.tokens.unknown.length} unknown word{extras.tokens.unknown.length > 1 ? 's' : ''} as &lt;unk&gt;</span> : null}
      </div>
      <button type="button" className="button primary" data-testid="approve-button" onClick={() => controller.approve()}>
        Accept <kbd>Enter</kbd>
      </button>
      {k > 1 && (
        <label className="approve-partial" title="Execute only the first steps of this prediction (the ghost path's first points), then ask the model again">
          <select data-testid="partial-steps" value={partial} onChange={(e) => setPartial(Number(e.target.value))} aria-label="How many steps to execute">
            {Array.from({ length: k - 1 }, (_, i) => i + 1).map((n) => (
              <option key={n} value={n}>
                first {n}
              </option>
            ))}
          </select>
          <button type="button" className="button" data-testid="approve-partial" onClick={() => controller.approve(partial)}>
            Accept part
          </button>
        </label>
      )}
      <button type="button" className="button" data-testid="reject-button" onClick={() => controller.reject()} title="Execute nothing of this prediction; the model is asked again here (edit the plan to change what it does)">
        Reject
      </button>
      <button type="button" className="button" data-testid="stop-button" onClick={() => controller.pause()} title="Stop here without executing (the plan stays on screen)">
        Stop
      </button>
    </div>
  );
}
