import { describeResolved } from '../language/program';
import { describeVerdict } from '../engine/approvals';
import { AddStep, StepControls } from './PlanEditor';
import { useSession } from '../state/session/context';
import { useEpisodeStore } from '../state/episodeStore';

// The program of the episode on screen, before anything moves and while it runs: numbered steps (the
// current one marked), the words that were not understood, what the policy reads for each step, and the
// controls that edit the remaining steps (src/components/PlanEditor.tsx). Under it, when the words allow
// several readings, the question and one button per reading.

export function ProgramPlan() {
  const understood = useEpisodeStore((s) => s.understood);
  const goals = useEpisodeStore((s) => s.info?.goals ?? null);
  const current = useEpisodeStore((s) => s.live?.outcome.goalIndex ?? 0);
  const completed = useEpisodeStore((s) => s.live?.outcome.completed ?? 0);
  const policy = useEpisodeStore((s) => s.policy);
  const unloaded = useEpisodeStore((s) => s.boot === 'error' || s.run === 'faulted');
  // Held in place while the task loads, so that the page does not move down when it arrives.
  if (!goals)
    return (
      <div className="program-plan pending" data-testid="program-plan-pending" aria-busy={!unloaded}>
        <span className="program-title">{unloaded ? 'Program: no task loaded' : 'Program: loading the task…'}</span>
      </div>
    );
  // A named task has no parse behind it: its program is its goals (one step, or a long task's or chain's).
  const steps = understood?.steps ?? goals.map((g) => ({ text: g.instruction, label: describeResolved(g.atom) }));
  const count = steps.length === 1 ? 'one step' : `${steps.length} steps`;
  return (
    <div className="program-plan" data-testid="program-plan" role="status" aria-label={understood ? 'What the robot understood' : 'The program of this task'}>
      <span className="program-title">{understood ? `Understood ${count}:` : `Program, ${count}:`}</span>
      <ol className="program-steps">
        {steps.map((s, i) => (
          <li
            key={i}
            data-testid="program-step"
            className={`program-step ${i < completed ? 'done' : i === current ? 'current' : ''}`}
            title={policy === 'model' ? `the policy reads: “${goals[i]?.instruction ?? s.text}”` : undefined}
          >
            <span className="program-step-label">{s.label}</span>
            {i >= current && <StepControls index={i - current} count={steps.length - current} />}
            {policy === 'model' && <span className="program-step-reads">the policy reads “{goals[i]?.instruction ?? s.text}”</span>}
          </li>
        ))}
      </ol>
      <AddStep />
      {understood && understood.unknownWords.length > 0 && (
        <span className="program-unknown" data-testid="program-unknown">
          not understood, ignored: {understood.unknownWords.map((w) => `“${w}”`).join(', ')}
        </span>
      )}
    </div>
  );
}

export function Clarification() {
  const controller = useSession();
  const c = useEpisodeStore((s) => s.clarification);
  if (!c) return null;
  return (
    <div className="clarification" data-testid="clarification" role="alertdialog" aria-label="Which did you mean?">
      <span className="clarification-question">{c.question}</span>
      <div className="clarification-options">
        {c.options.map((o, i) => (
          <button key={i} type="button" className="button suggestion" data-testid="clarification-option" onClick={() => void controller.chooseClarification(i)}>
            {o.label}
          </button>
        ))}
        <button type="button" className="link-button" onClick={() => controller.dismissMatch()} aria-label="Dismiss">
          ×
        </button>
      </div>
    </div>
  );
}

/** What a person said during the episode, at which step, and what it did (talk-back). */
export function InterventionList() {
  const said = useEpisodeStore((s) => s.interventions);
  const answers = useEpisodeStore((s) => s.approvals);
  if (!said.length && !answers.length) return null;
  const items = [
    ...said.map((i) => ({ step: i.step, key: `c${i.step}:${i.text}`, testId: 'intervention-item', text: `“${i.text}”${i.message ? ` → ${i.message}` : ''}` })),
    ...answers.map((a, k) => ({ step: a.step, key: `a${k}`, testId: 'approval-item', text: `the prediction ${describeVerdict(a.verdict)}` })),
  ].sort((a, b) => a.step - b.step);
  return (
    <ol className="intervention-list" data-testid="intervention-list" aria-label="What a person said and decided during this episode">
      {items.map((i) => (
        <li key={i.key} data-testid={i.testId}>
          <span className="mono">step {i.step}</span> {i.text}
        </li>
      ))}
    </ol>
  );
}
