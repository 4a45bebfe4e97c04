import { useState } from 'react';
import { SUITES, TASKS } from '../sim/tasks';
import { useSession } from '../state/session/context';
import { useEpisodeStore } from '../state/episodeStore';
import { parseSeed } from '../state/urlParams';
import { usePolicyStore } from '../state/policyStore';
import { Icon } from './Icon';
import { ModelDrop } from './ModelDrop';
import { ModelStatus } from './ModelStatus';
import { initialReportUrl, RobustnessReportDialog } from './RobustnessReportView';
import { taskTitle } from './taskTitle';
import type { PolicySource } from '../workers/protocol';

const SUITE_LABEL: Record<string, string> = {
  spatial: 'Spatial — layout decides which cube',
  object: 'Object — which cube',
  goal: 'Goal — same scene, different goals',
  long: 'Long — chained subtasks',
  chains: 'Chains — five instructions in a row',
};

function TaskSelect() {
  const controller = useSession();
  const taskId = useEpisodeStore((s) => s.taskId);
  return (
    <label className="field">
      <span className="field-label">Task</span>
      <select data-testid="task-select" value={taskId} onChange={(e) => void controller.setTask(e.target.value)}>
        {SUITES.map((suite) => (
          <optgroup key={suite} label={SUITE_LABEL[suite] ?? suite}>
            {TASKS.filter((t) => t.suite === suite).map((t) => (
              <option key={t.id} value={t.id}>
                {taskTitle(t.title)}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </label>
  );
}

/** Keyed by the seed in use, so a seed set elsewhere (link, dice) resets what is typed. */
function SeedInput({ seed }: { seed: number }) {
  const controller = useSession();
  const [text, setText] = useState(String(seed));
  const parsed = parseSeed(text);
  const commit = () => {
    if (parsed === null) setText(String(seed));
    else if (parsed !== seed) void controller.setSeed(parsed);
  };
  return (
    <label className="field seed">
      <span className="field-label">Seed</span>
      <span className="seed-row">
        <input
          data-testid="seed-input"
          className={parsed === null ? 'invalid' : ''}
          inputMode="numeric"
          value={text}
          aria-invalid={parsed === null}
          onChange={(e) => setText(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit();
            if (e.key === 'Escape') setText(String(seed));
          }}
        />
        <button
          type="button"
          className="icon-button"
          title="Random seed"
          aria-label="Random seed"
          onClick={() => void controller.setSeed(Math.floor(Math.random() * 1_000_000))}
        >
          <Icon name="dice" size={16} />
        </button>
      </span>
    </label>
  );
}

function SeedField() {
  const seed = useEpisodeStore((s) => s.seed);
  return <SeedInput key={seed} seed={seed} />;
}

function PolicySelect() {
  const controller = useSession();
  const policy = useEpisodeStore((s) => s.policy);
  const modelAvailable = useEpisodeStore((s) => s.modelAvailable);
  const error = usePolicyStore((s) => s.error);
  const label = !modelAvailable ? 'Learned VLA model (failed)' : 'Learned VLA model';
  return (
    <label className="field policy-field">
      <span className="field-label">Policy</span>
      <span className="policy-row">
        <select
          data-testid="policy-select"
          value={policy}
          title={!modelAvailable && error ? `The model could not be loaded: ${error}` : undefined}
          onChange={(e) => controller.setPolicy(e.target.value as PolicySource)}
        >
          <option value="model" disabled={!modelAvailable}>
            {label}
          </option>
          <option value="expert">Scripted expert (oracle)</option>
        </select>
        <ModelStatus />
        <ModelDrop />
      </span>
    </label>
  );
}

function CopyLink() {
  const controller = useSession();
  const [copied, setCopied] = useState<'idle' | 'ok' | 'failed'>('idle');
  const copy = async () => {
    const url = controller.shareUrl();
    try {
      await navigator.clipboard.writeText(url);
      setCopied('ok');
    } catch {
      // Clipboard access can be refused (permissions, insecure origin): the address bar has the link too.
      setCopied('failed');
    }
    setTimeout(() => setCopied('idle'), 1800);
  };
  return (
    <button type="button" className="button ghost" data-testid="copy-link" onClick={() => void copy()} title="Copy a link that reproduces this episode">
      <Icon name={copied === 'ok' ? 'check' : 'link'} />
      {copied === 'ok' ? 'Link copied' : copied === 'failed' ? 'Copy from the address bar' : 'Copy link'}
    </button>
  );
}

function RobustnessReportButton() {
  // Open at start when the link names a report (?report=<url>).
  const [open, setOpen] = useState(() => initialReportUrl() !== null);
  return (
    <>
      <button type="button" className="button ghost" data-testid="robustness-report-button" aria-haspopup="dialog" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        Robustness report
      </button>
      {open && <RobustnessReportDialog onClose={() => setOpen(false)} />}
    </>
  );
}

export function Header() {
  return (
    <header className="header">
      <div className="brand">
        <svg width="26" height="26" viewBox="0 0 32 32" aria-hidden="true">
          <rect width="32" height="32" rx="7" fill="#1d2330" />
          <path d="M8 23 L14 11 L19 17 L24 9" stroke="#7aa2ff" strokeWidth="3" fill="none" strokeLinecap="round" strokeLinejoin="round" />
          <circle cx="24" cy="9" r="2.6" fill="#ffb454" />
        </svg>
        <div>
          <div className="brand-name">VLA Playground</div>
          <div className="brand-sub">vision-language-action policies, in the open</div>
        </div>
      </div>
      <div className="header-fields">
        <TaskSelect />
        <SeedField />
        <PolicySelect />
        <CopyLink />
        <RobustnessReportButton />
      </div>
    </header>
  );
}
