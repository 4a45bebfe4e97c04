import { describe, expect, it } from 'vitest';
import { buildQuery, parseSeed, parseUrl } from '../../src/state/urlParams';
import { PoseInterpolator } from '../../src/state/poseInterpolator';
import { displayStatus } from '../../src/state/episodeStore';
import type { StepRecord } from '../../src/workers/protocol';

describe('URL parameters', () => {
  it('round-trips task, seed, instruction and policy', () => {
    const q = buildQuery({ task: 'goal/press_button', seed: 42, instruction: 'push the red button', policy: 'expert' });
    const u = parseUrl(q);
    expect(u).toMatchObject({ task: 'goal/press_button', seed: 42, instruction: 'push the red button', policy: 'expert', autorun: false, warnings: [] });
  });

  it('leaves the instruction out when none was typed', () => {
    expect(buildQuery({ task: 'object/red_to_bowl', seed: 0, instruction: '  ', policy: 'expert' })).toBe('?task=object%2Fred_to_bowl&seed=0&policy=expert');
  });

  it('reads autorun and warns about what it cannot use', () => {
    const u = parseUrl('?task=nope/nothing&seed=-4&policy=robot&autorun=1');
    expect(u.autorun).toBe(true);
    expect(u.task).toBeUndefined();
    expect(u.seed).toBe(0);
    expect(u.policy).toBe('model');
    expect(u.warnings).toHaveLength(3);
  });

  it('makes the learned model the default policy; the expert only when the link asks for it', () => {
    expect(parseUrl('?task=object/red_to_bowl').policy).toBe('model');
    expect(parseUrl('?task=object/red_to_bowl&policy=expert').policy).toBe('expert');
    expect(parseUrl('?policy=model').warnings).toEqual([]);
  });

  it('gives no task when the link only has an instruction', () => {
    expect(parseUrl('?instruction=open%20the%20drawer').task).toBeNull();
  });

  it('accepts only whole, non-negative seeds', () => {
    expect(parseSeed('17')).toBe(17);
    expect(parseSeed(' 3 ')).toBe(3);
    for (const bad of ['', '1.5', '-1', 'abc', '1e99', null]) expect(parseSeed(bad)).toBeNull();
  });
});

describe('PoseInterpolator', () => {
  const pose = (x: number, yaw: number) => Float32Array.from([x, 0, 0, Math.cos(yaw / 2), 0, 0, Math.sin(yaw / 2)]);

  it('moves from the pose on screen to the new one over the given time', () => {
    const p = new PoseInterpolator();
    p.snap(pose(0, 0));
    p.push(pose(1, Math.PI / 2), 1000, 100);
    expect(p.animating).toBe(true);
    const mid = p.sample(1050)!;
    expect(mid[0]).toBeCloseTo(0.5, 5);
    const q = Math.hypot(mid[3], mid[4], mid[5], mid[6]);
    expect(q).toBeCloseTo(1, 5);
    expect(2 * Math.atan2(mid[6], mid[3])).toBeCloseTo(Math.PI / 4, 2);
    const end = p.sample(1200)!;
    expect(Array.from(end)).toEqual(Array.from(pose(1, Math.PI / 2)));
    expect(p.animating).toBe(false);
  });

  it('starts a new transition from wherever the previous one had got to', () => {
    const p = new PoseInterpolator();
    p.snap(pose(0, 0));
    p.push(pose(1, 0), 0, 100);
    p.sample(50);
    p.push(pose(2, 0), 50, 100);
    expect(p.sample(50)![0]).toBeCloseTo(0.5, 5);
    expect(p.sample(100)![0]).toBeCloseTo(1.25, 5);
  });

  it('takes the short way round when quaternions have opposite signs', () => {
    const p = new PoseInterpolator();
    p.snap(Float32Array.from([0, 0, 0, 1, 0, 0, 0]));
    p.push(Float32Array.from([0, 0, 0, -1, 0, 0, 0]), 0, 100);
    const mid = p.sample(50)!;
    expect(Math.abs(mid[3])).toBeCloseTo(1, 5);
  });
});

describe('displayStatus', () => {
  const rec = (status: StepRecord['outcome']['status'], step: number) => ({ step, outcome: { status, reason: null, step, goalIndex: 0, completed: 0 } }) as unknown as StepRecord;

  it('maps the episode and the play state to the words the UI shows', () => {
    expect(displayStatus({ live: null, run: 'booting', crash: null })).toBe('loading');
    expect(displayStatus({ live: rec('running', 0), run: 'idle', crash: null })).toBe('idle');
    expect(displayStatus({ live: rec('running', 5), run: 'running', crash: null })).toBe('running');
    expect(displayStatus({ live: rec('running', 0), run: 'awaiting', crash: null })).toBe('awaiting approval');
    expect(displayStatus({ live: rec('running', 5), run: 'paused', crash: null })).toBe('paused');
    expect(displayStatus({ live: rec('running', 5), run: 'replaying', crash: null })).toBe('replaying');
    expect(displayStatus({ live: rec('success', 40), run: 'done', crash: null })).toBe('success');
    expect(displayStatus({ live: rec('failure', 40), run: 'done', crash: null })).toBe('failure');
    expect(displayStatus({ live: rec('running', 5), run: 'faulted', crash: 'simulator crashed' })).toBe('failure');
  });
});
