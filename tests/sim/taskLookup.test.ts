import { describe, expect, it } from 'vitest';
import { findTask, getTask, isTaskId, TASK_BY_ID } from '../../src/sim/tasks';
import { parseUrl } from '../../src/state/urlParams';

// Task ids come from links and command lines: names of Object.prototype members must not pass for tasks.

const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

describe('task lookup', () => {
  it.each(PROTO_NAMES)('"%s" is not a task', (id) => {
    expect(isTaskId(id)).toBe(false);
    expect(findTask(id)).toBeUndefined();
    expect(TASK_BY_ID[id]).toBeUndefined();
    expect(() => getTask(id)).toThrow(new RegExp(`unknown task "${id}". Valid tasks: .*object/red_to_bowl`));
  });

  it('finds every real task', () => {
    expect(getTask('object/red_to_bowl').id).toBe('object/red_to_bowl');
    expect(findTask('goal/open_drawer')?.suite).toBe('goal');
    expect(isTaskId('chains/five')).toBe(true);
  });

  it.each(PROTO_NAMES)('a link with task=%s gives no task and a warning', (id) => {
    const u = parseUrl(`?task=${encodeURIComponent(id)}&seed=3`);
    expect(u.task).toBeUndefined();
    expect(u.seed).toBe(3);
    expect(u.warnings).toHaveLength(1);
    expect(u.warnings[0]).toContain(`unknown task "${id}"`);
  });

  it('keeps a known task and an absent one apart from an unknown one', () => {
    expect(parseUrl('?task=goal/press_button')).toMatchObject({ task: 'goal/press_button', warnings: [] });
    expect(parseUrl('?seed=1').task).toBeNull();
    expect(parseUrl('?task=nope/nothing').task).toBeUndefined();
  });
});
