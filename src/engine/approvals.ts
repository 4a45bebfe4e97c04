// A person's answers to the model's predictions in approval mode, as the record and the link keep them
// (docs/interventions.md). An answer is tied to the step the prediction was made at: accept, reject (nothing
// executes; the model is asked again at the same state), or accept the first n steps only. Replaying the same
// answers at the same steps of the same seeded episode gives the same trajectory: a rejection re-asks a
// deterministic model at an unchanged state, and a plan edit said meanwhile is an intervention of its own.

export type Verdict = 'accept' | 'reject' | number;

export interface ApprovalAnswer {
  step: number;
  verdict: Verdict;
}

const MAX_ANSWERS = 500;

/** "12:a", "12:r", "12:3" (link parameter `ok`, repeated). */
export function formatApproval(a: ApprovalAnswer): string {
  return `${a.step}:${a.verdict === 'accept' ? 'a' : a.verdict === 'reject' ? 'r' : a.verdict}`;
}

export function parseApprovals(values: readonly string[]): { answers: ApprovalAnswer[]; warnings: string[] } {
  const answers: ApprovalAnswer[] = [];
  const warnings: string[] = [];
  for (const v of values.slice(0, MAX_ANSWERS)) {
    const m = /^(\d{1,5}):(a|r|[1-9]\d{0,2})$/.exec(v.trim());
    if (!m) {
      warnings.push(`approval "${v.slice(0, 40)}" in the link is not <step>:a, <step>:r or <step>:<n steps>; it is ignored`);
      continue;
    }
    answers.push({ step: Number(m[1]), verdict: m[2] === 'a' ? 'accept' : m[2] === 'r' ? 'reject' : Number(m[2]) });
  }
  if (values.length > MAX_ANSWERS) warnings.push(`only the first ${MAX_ANSWERS} approvals in the link are used`);
  // Stable: answers at one step keep the order they were given in (a rejection, then an acceptance).
  answers.sort((a, b) => a.step - b.step);
  return { answers, warnings };
}

/** How an answer reads in the history list. */
export function describeVerdict(v: Verdict): string {
  if (v === 'accept') return 'accepted';
  if (v === 'reject') return 'rejected; the model is asked again';
  return `accepted the first ${v} step${v > 1 ? 's' : ''}`;
}
