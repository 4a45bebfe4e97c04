import { describe, expect, it } from 'vitest';
import { ActionScheduler } from '../../src/policy/execution';

const chunk = (base: number, h = 8) => Array.from({ length: h }, (_, i) => [base + i, 0, 0, 0, 0, 0, base % 2 ? 1 : -1]);

describe('ActionScheduler', () => {
  it('executes k actions of a chunk, then asks for a new one', () => {
    const s = new ActionScheduler({ kind: 'chunk', k: 3 });
    expect(s.needsInference(0)).toBe(true);
    s.push(0, chunk(100));
    expect([0, 1, 2].map((t) => s.needsInference(t))).toEqual([false, false, false]);
    expect(s.actionAt(2)![0]).toBe(102);
    expect(s.needsInference(3)).toBe(true);
    s.push(3, chunk(200));
    expect(s.actionAt(3)![0]).toBe(200);
  });

  it('never executes past the end of a chunk even when k exceeds it', () => {
    const s = new ActionScheduler({ kind: 'chunk', k: 20 });
    s.push(0, chunk(0, 4));
    expect(s.needsInference(3)).toBe(false);
    expect(s.needsInference(4)).toBe(true);
    expect(s.actionAt(4)).toBeNull();
  });

  it('ensembles overlapping predictions with exponential weights, oldest weighted most', () => {
    const s = new ActionScheduler({ kind: 'ensemble', m: Math.log(2) });
    s.push(0, chunk(0)); // predicts 1 for step 1
    expect(s.needsInference(1)).toBe(true);
    s.push(1, chunk(10)); // predicts 10 for step 1
    // weights 1 and 0.5: (1*1 + 0.5*10) / 1.5 = 4
    expect(s.actionAt(1)![0]).toBeCloseTo(4, 10);
    expect(s.needsInference(1)).toBe(false);
  });

  it('with m = 0 ensembling is a plain mean and the gripper stays binary', () => {
    const s = new ActionScheduler({ kind: 'ensemble', m: 0 });
    s.push(0, chunk(1)); // gripper +1
    s.push(1, chunk(2)); // gripper -1
    s.push(2, chunk(3)); // gripper +1
    const a = s.actionAt(2)!;
    expect(a[0]).toBeCloseTo((3 + 3 + 3) / 3);
    expect(a[6]).toBe(1);
  });

  it('drops chunks that can no longer cover the current step', () => {
    const s = new ActionScheduler({ kind: 'ensemble', m: 0.1 });
    s.push(0, chunk(0, 2));
    s.push(5, chunk(50, 2));
    expect(s.actionAt(1)).toBeNull();
    expect(s.actionAt(5)![0]).toBe(50);
  });
});
