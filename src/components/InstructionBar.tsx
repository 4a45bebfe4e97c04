import { useSession } from '../state/session/context';
import { useEpisodeStore } from '../state/episodeStore';
import { InstructionTokens } from './InstructionTokens';
import { Clarification, ProgramPlan, InterventionList } from './ProgramPlan';
import { enterAccepts } from './keys/useShortcuts';
import { taskTitle } from './taskTitle';

function MatchFeedback() {
  const controller = useSession();
  const match = useEpisodeStore((s) => s.match);
  const canTryModel = useEpisodeStore((s) => s.policy === 'model' && (s.info?.goals.length ?? 1) === 1);
  const title = useEpisodeStore((s) => s.info?.title ?? '');
  // An empty submit gets its message too: silence would look like the button did nothing.
  if (!match) return null;
  if (match.best) {
    return (
      <div className="match ok" data-testid="instruction-feedback" role="status">
        <span className="match-icon">✓</span>
        <span>{match.message}</span>
        <button type="button" className="link-button" onClick={() => controller.dismissMatch()} aria-label="Dismiss">
          ×
        </button>
      </div>
    );
  }
  return (
    <div className="match bad" data-testid="instruction-feedback" role="alert">
      <div className="match-text">
        <span className="match-icon">!</span>
        <span>{match.message}</span>
      </div>
      {match.understood.length + match.unknown.length > 0 && (
        <div className="match-words">
          {match.understood.map((w, i) => (
            <span key={`u${i}`} className="chip known" title={`understood: ${w}`}>
              {w}
            </span>
          ))}
          {match.unknown.map((w, i) => (
            <span key={`x${i}`} className="chip unknown" title={`not understood: ${w}`}>
              {w}
            </span>
          ))}
        </div>
      )}
      {/* Never for a refused text: the model would run what a negation forbids, or read a truncated essay. */}
      {canTryModel && !match.refused && (
        <div className="match-suggestions">
          <button
            type="button"
            className="button suggestion"
            data-testid="run-model-anyway"
            title="The model reads any text (unknown words become <unk>); success is judged by the task that is loaded now"
            onClick={() => void controller.runTextOnCurrentTask(match.text)}
          >
            <span className="suggestion-title">Let the model try it anyway</span>
            <span className="suggestion-text">on “{taskTitle(title)}”, judged by that task</span>
          </button>
        </div>
      )}
      {match.candidates.length > 0 && (
        <div className="match-suggestions">
          <span className="muted">Closest tasks:</span>
          {match.candidates.map((c) => (
            <button
              key={c.taskId}
              type="button"
              className="button suggestion"
              data-testid="instruction-suggestion"
              title={c.template}
              onClick={() => void controller.chooseSuggestion(c.taskId)}
            >
              <span className="suggestion-title">{taskTitle(c.title)}</span>
              <span className="suggestion-text">“{c.template}”</span>
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

export function InstructionBar() {
  const controller = useSession();
  const draft = useEpisodeStore((s) => s.instructionDraft);
  const chain = useEpisodeStore((s) => s.info?.suite === 'chains' && s.info.taskId === 'chains/five' && s.interventions.length === 0);
  const program = useEpisodeStore((s) => s.program !== null);
  const submit = () => void controller.submitInstruction(draft);
  return (
    <div className="instruction-bar">
      <form
        className="instruction-form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <span className="prompt-mark" aria-hidden="true">
          ›
        </span>
        <input
          data-testid="instruction-input"
          className="instruction-input"
          value={draft}
          spellCheck={false}
          autoComplete="off"
          placeholder='Tell the robot what to do, e.g. "put the red cube in the blue bowl"'
          aria-label="Instruction"
          onChange={(e) => controller.setInstructionDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') (e.target as HTMLInputElement).blur();
            else if (e.key === 'Enter' && !e.nativeEvent.isComposing && enterAccepts(draft)) {
              // Submitting the words the episode already runs would reload it: Enter accepts the plan instead.
              e.preventDefault();
              controller.approve();
            }
          }}
        />
        <button type="submit" className="button primary" data-testid="instruction-submit" title="Understand the instruction and run it (Enter)">
          Run instruction ⏎
        </button>
      </form>
      <InstructionTokens />
      {chain && !program && <div className="hint">This is a chain of five instructions (listed on the right); typing one starts a single-instruction task instead.</div>}
      <ProgramPlan />
      <InterventionList />
      <Clarification />
      <MatchFeedback />
    </div>
  );
}
