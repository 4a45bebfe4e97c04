import { describe, expect, it } from 'vitest';
import { instructionEnter, JUMP, keyCommand, SHORTCUTS, type KeyContext, type KeyInput } from '../../src/components/keys/keyMap';

// The keyboard's meaning, without a browser: what each key does at the live end, in replay, on a finished
// episode, in approval mode, and where it must do nothing (typing, modifiers, another slider).

const key = (k: string, more: Partial<KeyInput> = {}): KeyInput => ({ key: k, shift: false, modifier: false, target: 'other', ...more });
const live: KeyContext = { awaiting: false, finished: false, viewStep: 30, lastStep: 30 };
const replay: KeyContext = { ...live, viewStep: 12 };
const finished: KeyContext = { ...live, finished: true };

describe('keyCommand', () => {
  it('space runs or pauses a live episode, and plays a finished one back instead of restarting it', () => {
    expect(keyCommand(key(' '), live)).toEqual({ kind: 'toggle-run' });
    expect(keyCommand(key('Unidentified', { code: 'Space' }), live)).toEqual({ kind: 'toggle-run' });
    expect(keyCommand(key(' '), finished)).toEqual({ kind: 'toggle-playback' });
    expect(keyCommand(key(' '), { ...finished, viewStep: 4 })).toEqual({ kind: 'toggle-playback' });
  });

  it('→ steps the simulation only at the live end of an episode under way; elsewhere it moves the cursor', () => {
    expect(keyCommand(key('ArrowRight'), live)).toEqual({ kind: 'sim-step' });
    expect(keyCommand(key('ArrowRight'), replay)).toEqual({ kind: 'seek', step: 13 });
    expect(keyCommand(key('ArrowRight'), finished)).toEqual({ kind: 'seek', step: 30 });
    expect(keyCommand(key('ArrowLeft'), live)).toEqual({ kind: 'seek', step: 29 });
    expect(keyCommand(key('ArrowLeft'), { ...replay, viewStep: 0 })).toEqual({ kind: 'seek', step: 0 });
  });

  it('shift jumps ten, clamped to the recording, and never makes new steps', () => {
    expect(keyCommand(key('ArrowRight', { shift: true }), replay)).toEqual({ kind: 'seek', step: 12 + JUMP });
    expect(keyCommand(key('ArrowRight', { shift: true }), { ...replay, viewStep: 25 })).toEqual({ kind: 'seek', step: 30 });
    expect(keyCommand(key('ArrowRight', { shift: true }), live)).toEqual({ kind: 'seek', step: 30 });
    expect(keyCommand(key('ArrowLeft', { shift: true }), replay)).toEqual({ kind: 'seek', step: 2 });
    expect(keyCommand(key('ArrowLeft', { shift: true }), { ...replay, viewStep: 4 })).toEqual({ kind: 'seek', step: 0 });
  });

  it('Home and End go to the first and the last recorded step', () => {
    expect(keyCommand(key('Home'), replay)).toEqual({ kind: 'seek', step: 0 });
    expect(keyCommand(key('End'), replay)).toEqual({ kind: 'seek', step: 30 });
  });

  it('Enter accepts only when a prediction waits; ? opens the sheet; r resets', () => {
    expect(keyCommand(key('Enter'), { ...live, awaiting: true })).toEqual({ kind: 'approve' });
    expect(keyCommand(key('Enter'), live)).toBeNull();
    expect(keyCommand(key('?', { shift: true }), live)).toEqual({ kind: 'help' });
    expect(keyCommand(key('r'), live)).toEqual({ kind: 'reset' });
    expect(keyCommand(key('R', { shift: true }), live)).toEqual({ kind: 'reset' });
  });

  it('does nothing while typing, with Ctrl/Meta/Alt, or for keys it does not know', () => {
    for (const k of [' ', 'ArrowRight', 'ArrowLeft', 'Home', 'End', 'Enter', '?', 'r']) {
      expect(keyCommand(key(k, { target: 'text' }), { ...live, awaiting: true })).toBeNull();
      expect(keyCommand(key(k, { modifier: true }), { ...live, awaiting: true })).toBeNull();
    }
    expect(keyCommand(key('x'), live)).toBeNull();
  });

  it("leaves another slider's own keys to it, and takes the timeline slider's", () => {
    for (const k of ['ArrowRight', 'ArrowLeft', 'Home', 'End']) expect(keyCommand(key(k, { target: 'range' }), replay)).toBeNull();
    expect(keyCommand(key(' ', { target: 'range' }), live)).toEqual({ kind: 'toggle-run' });
    expect(keyCommand(key('ArrowRight', { target: 'timeline', shift: true }), replay)).toEqual({ kind: 'seek', step: 22 });
    expect(keyCommand(key('ArrowRight', { target: 'timeline' }), live)).toEqual({ kind: 'sim-step' });
  });
});

describe('Escape', () => {
  it('closes the compared episode when one is open, and is not ours otherwise', () => {
    expect(keyCommand(key('Escape'), { ...live, comparing: true })).toEqual({ kind: 'close-compare' });
    expect(keyCommand(key('Escape'), live)).toBeNull();
    // In the instruction box, Escape leaves the box.
    expect(keyCommand(key('Escape', { target: 'text' }), { ...live, comparing: true })).toBeNull();
  });
});

describe('the shortcut sheet', () => {
  it('lists every key keyCommand handles', () => {
    const listed = new Set(SHORTCUTS.map((s) => s.keys.join('+')));
    const names: Record<string, string> = { ' ': 'Space', ArrowRight: '→', ArrowLeft: '←' };
    const ctx = { ...live, awaiting: true };
    for (const k of [' ', 'ArrowRight', 'ArrowLeft', 'Home', 'End', 'Enter', '?', 'r']) {
      expect(keyCommand(key(k), ctx), k).not.toBeNull();
      expect(listed.has(names[k] ?? k), k).toBe(true);
    }
    expect(listed.has('Shift+→') && listed.has('Shift+←') && listed.has('Esc')).toBe(true);
  });
});

describe('Enter in the instruction box', () => {
  const current = ['put the red cube in the bowl'];
  it('accepts the waiting prediction when the box holds what the episode already runs (or nothing)', () => {
    expect(instructionEnter('put the red cube in the bowl', current, true)).toBe('accept');
    expect(instructionEnter('  Put the red cube  in the bowl ', current, true)).toBe('accept');
    expect(instructionEnter('', current, true)).toBe('accept');
  });
  it('submits new words, and everything when nothing waits', () => {
    expect(instructionEnter('no, the blue one', current, true)).toBe('submit');
    expect(instructionEnter('put the red cube in the bowl', current, false)).toBe('submit');
  });
});
