import { describe, expect, it } from 'vitest';
import { formatApproval, parseApprovals, type ApprovalAnswer } from '../../src/engine/approvals';
import { ApprovalGate } from '../../src/workers/approvalGate';
import { buildQuery, parseUrl } from '../../src/state/urlParams';
import { DEFAULT_EXECUTION_SETTINGS } from '../../src/state/policyStore';

// Approval answers in the record and the link (docs/interventions.md): they round-trip through the link,
// bad ones are named and dropped, and the gate replays each at its step and asks a person for the rest.

describe('approval answers in the link', () => {
  it('round-trip with the execution mode, and imply approval mode', () => {
    const answers: ApprovalAnswer[] = [{ step: 0, verdict: 'reject' }, { step: 0, verdict: 'accept' }, { step: 4, verdict: 2 }];
    const q = buildQuery({ task: 'object/red_to_bowl', seed: 3, instruction: '', policy: 'model', execution: { ...DEFAULT_EXECUTION_SETTINGS, k: 2, approval: true }, approvals: answers });
    expect(q).toContain('ok=0%3Ar&ok=0%3Aa&ok=4%3A2');
    const back = parseUrl(q);
    expect(back.approvals).toEqual(answers);
    expect(back.execution).toEqual({ kind: 'chunk', k: 2, approval: true });
    expect(back.warnings).toEqual([]);
    expect(parseUrl('?task=object/red_to_bowl&ok=3:a').execution).toEqual({ approval: true });
    expect(parseUrl('?task=object/red_to_bowl').execution).toBeNull();
  });

  it('names what it cannot read and keeps the rest', () => {
    const r = parseApprovals(['5:a', 'x', '7:0', '7:yes', '2:3']);
    expect(r.answers).toEqual([{ step: 2, verdict: 3 }, { step: 5, verdict: 'accept' }]);
    expect(r.warnings).toHaveLength(3);
    expect(parseUrl('?mode=warp:9').warnings.join()).toMatch(/unknown execution/);
    expect(formatApproval({ step: 12, verdict: 'reject' })).toBe('12:r');
  });
});

describe('approval gate', () => {
  const gate = () => {
    const log: string[] = [];
    const g = new ApprovalGate({
      waiting: (s) => log.push(`wait ${s}`),
      replayed: (a) => log.push(`replay ${formatApproval(a)}`),
      answered: () => log.push('answered'),
    });
    return { g, log };
  };

  it('replays recorded answers at their steps and asks a person for the rest', async () => {
    const { g, log } = gate();
    g.replay([{ step: 4, verdict: 2 }, { step: 0, verdict: 'reject' }, { step: 0, verdict: 'accept' }]);
    expect(await g.ask(0)).toBe(true);
    expect(await g.ask(4)).toBe(2);
    const pending = g.ask(6);
    expect(g.waitingAt).toBe(6);
    expect(g.answer(3)).toBe(true);
    expect(await pending).toBe(3);
    expect(log).toEqual(['replay 0:r', 'replay 0:a', 'replay 4:2', 'wait 6', 'answered']);
  });

  it('drops answers for steps a branch left behind, and a Step press passes one prediction', async () => {
    const { g, log } = gate();
    g.replay([{ step: 2, verdict: 'accept' }, { step: 9, verdict: 'accept' }]);
    g.letThrough(1);
    expect(await g.ask(5)).toBe(true);
    const p = g.ask(7);
    expect(g.answer(false)).toBe(true);
    expect(await p).toBe(false);
    expect(await g.ask(9)).toBe(true);
    expect(log).toEqual(['wait 7', 'replay 9:a']);
    expect(g.answer(true)).toBe(false);
  });
});
