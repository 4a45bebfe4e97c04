import { formatAxes, parseAxes, type AxisSetting } from '../sim/axes';
import { formatIntervention, parseInterventions, type Intervention } from '../engine/interventions';
import { isTaskId } from '../sim/tasks';
import { formatApproval, parseApprovals, type ApprovalAnswer } from '../engine/approvals';
import { formatExecution, parseExecution } from '../policy/execution';
import { DEFAULT_EXECUTION_SETTINGS, type ExecutionSettings } from './policyStore';
import { parseViewLink, type ViewLink } from './viewLink';
import type { PolicySource } from '../workers/protocol';

// The shareable link: ?task=<id>&seed=<n>&instruction=<text>&policy=<expert|model>&perturb=<axis:level,...>&at=<step>:<words>
// &mode=<chunk:K|ensemble:M>&approval=1&ok=<step>:<a|r|n>&model=<folder url>&autorun=1
// (docs/architecture.md, URL parameters).

export interface UrlState {
  /**
   * Null when the link gives none (an instruction alone picks the task); undefined when it names a task
   * that does not exist (with a warning), so the caller chooses what to show instead.
   */
  task: string | null | undefined;
  seed: number;
  instruction: string;
  policy: PolicySource;
  perturb: AxisSetting[];
  /** A person's corrections at their steps (`at=<step>:<words>`, repeated). */
  interventions: Intervention[];
  /** How the model's chunks execute and whether predictions wait for a person (`mode`, `approval`); null: the defaults. */
  execution: Partial<ExecutionSettings> | null;
  /** A person's answers in approval mode (`ok=<step>:<a|r|n>`, repeated). */
  approvals: ApprovalAnswer[];
  autorun: boolean;
  /** Another model's folder URL (`model=`; docs/byo-policy.md); null: the shipped model. */
  model: string | null;
  /** Where the view opens: step, overlays, attention selection, 3D camera (src/state/viewLink.ts). */
  view: ViewLink;
  /** Problems with the link, to show rather than to silently ignore. */
  warnings: string[];
}

export const DEFAULT_SEED = 0;
export const DEFAULT_POLICY: PolicySource = 'model';
const MAX_SEED = 2 ** 31 - 1;

export function parseSeed(raw: string | null | undefined): number | null {
  if (raw === null || raw === undefined || raw.trim() === '') return null;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 && n <= MAX_SEED ? n : null;
}

export function parseUrl(search: string): UrlState {
  const q = new URLSearchParams(search);
  const warnings: string[] = [];
  const taskRaw = q.get('task');
  let task: string | null | undefined = taskRaw;
  if (taskRaw !== null && !isTaskId(taskRaw)) {
    warnings.push(`unknown task "${taskRaw}" in the link; it is ignored`);
    task = undefined;
  }
  const seedRaw = q.get('seed');
  let seed = parseSeed(seedRaw);
  if (seed === null) {
    if (seedRaw !== null) warnings.push(`seed "${seedRaw}" is not a whole number from 0 to ${MAX_SEED}; using ${DEFAULT_SEED}`);
    seed = DEFAULT_SEED;
  }
  const policyRaw = q.get('policy');
  // The learned model is the default; the scripted expert is the oracle a link can ask for.
  let policy: PolicySource = DEFAULT_POLICY;
  if (policyRaw === 'model' || policyRaw === 'expert') policy = policyRaw;
  else if (policyRaw !== null) warnings.push(`unknown policy "${policyRaw}"; using the learned model`);
  const autorun = ['1', 'true', 'yes'].includes((q.get('autorun') ?? '').toLowerCase());
  let perturb: AxisSetting[] = [];
  try {
    perturb = parseAxes(q.get('perturb'));
  } catch (e) {
    warnings.push(`${(e as Error).message}; the episode runs unperturbed`);
  }
  const iv = parseInterventions(q.getAll('at'));
  warnings.push(...iv.warnings);
  const ok = parseApprovals(q.getAll('ok'));
  warnings.push(...ok.warnings);
  let execution: Partial<ExecutionSettings> | null = null;
  const modeRaw = q.get('mode');
  if (modeRaw !== null) {
    try {
      const m = parseExecution(modeRaw);
      execution = m.kind === 'chunk' ? { kind: 'chunk', k: m.k } : { kind: 'ensemble', m: m.m };
    } catch (e) {
      warnings.push(`${(e as Error).message}; using ${formatExecution({ kind: 'chunk', k: DEFAULT_EXECUTION_SETTINGS.k })}`);
    }
  }
  // Recorded answers only replay while predictions wait for them, so they imply approval mode.
  if (['1', 'true', 'yes'].includes((q.get('approval') ?? '').toLowerCase()) || ok.answers.length) execution = { ...execution, approval: true };
  const model = parseModelUrl(q.get('model'), warnings);
  const view = parseViewLink(q);
  warnings.push(...view.warnings);
  return { task, seed, instruction: q.get('instruction') ?? '', policy, perturb, interventions: iv.interventions, execution, approvals: ok.answers, autorun, model, view, warnings };
}

/** A model folder's URL, absolute or relative to the app; other schemes (javascript:, data:) are refused. */
function parseModelUrl(raw: string | null, warnings: string[]): string | null {
  const given = raw?.trim();
  if (!given) return null;
  try {
    const u = new URL(given, 'http://app.invalid/');
    if (u.protocol === 'http:' || u.protocol === 'https:') return given;
  } catch {
    // fall through to the warning
  }
  warnings.push(`model "${given}" in the link is not an http(s) URL of a model folder; using the shipped model`);
  return null;
}

/** The query string for the current episode; the instruction only when a person typed one. */
export function buildQuery(s: {
  task: string;
  seed: number;
  instruction: string;
  policy: PolicySource;
  perturb?: AxisSetting[];
  interventions?: Intervention[];
  execution?: ExecutionSettings;
  approvals?: ApprovalAnswer[];
  model?: string | null;
}): string {
  const q = new URLSearchParams();
  q.set('task', s.task);
  q.set('seed', String(s.seed));
  if (s.instruction.trim()) q.set('instruction', s.instruction.trim());
  q.set('policy', s.policy);
  if (s.model) q.set('model', s.model);
  if (s.perturb?.length) q.set('perturb', formatAxes(s.perturb));
  for (const i of s.interventions ?? []) q.append('at', formatIntervention(i));
  const ex = s.execution;
  if (ex && !(ex.kind === 'chunk' && ex.k === DEFAULT_EXECUTION_SETTINGS.k)) q.set('mode', formatExecution(ex.kind === 'chunk' ? { kind: 'chunk', k: ex.k } : { kind: 'ensemble', m: ex.m }));
  if (ex?.approval) q.set('approval', '1');
  for (const a of s.approvals ?? []) q.append('ok', formatApproval(a));
  return `?${q.toString()}`;
}
