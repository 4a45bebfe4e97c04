import { describe, expect, it } from 'vitest';
import { MAX_INSTRUCTION_CHARS, matchInstruction } from '../../src/sim/instructions';

// Instructions the matcher must refuse or read correctly rather than run something else: negations,
// non-English words that look like typos of task words, letters outside ASCII, overlong text, nothing.

describe('instruction faults', () => {
  it.each(["don't put the red cube in the bowl", 'dont put the red cube in the bowl', 'Do not press the button', 'never open the drawer', 'Don’t stack blue on yellow'])(
    'refuses the negation "%s" and says why',
    (text) => {
      const m = matchInstruction(text);
      expect(m.best).toBeNull();
      expect(m.candidates).toEqual([]);
      expect(m.refused).toBe('negation');
      expect(m.message).toMatch(/what (it|the robot) should do/);
      expect(m.message).toMatch(/don.?t|do not|never/i);
    },
  );

  it('still matches instructions that only contain the letters of a negation', () => {
    expect(matchInstruction('put the red cube in the bowl').best?.taskId).toBe('object/red_to_bowl');
    expect(matchInstruction('open the drawer').best?.taskId).toBe('goal/open_drawer');
  });

  it('keeps non-ASCII letters inside their word', () => {
    const m = matchInstruction('lege den roten Würfel in die Schüssel');
    expect(m.unknown).toContain('würfel');
    expect(m.unknown).toContain('schüssel');
    expect(m.unknown).not.toContain('w');
    expect(m.unknown).not.toContain('rfel');
    // A decomposed umlaut (u + combining diaeresis) is the same word.
    expect(matchInstruction('Wu\u0308rfel').unknown).toEqual(['würfel']);
  });

  it('does not read a French colour as an English typo', () => {
    const m = matchInstruction('put the bleu cube in the bowl');
    expect(m.corrections).toEqual([]);
    expect(m.best).toBeNull();
    expect(m.unknown).toContain('bleu');
    expect(m.message).toMatch(/"bleu"/);
    // Real typos of short words are still fixed.
    expect(matchInstruction('put teh rde cube in the bwol').best?.taskId).toBe('object/red_to_bowl');
    expect(matchInstruction('opne the drawer').best?.taskId).toBe('goal/open_drawer');
  });

  it(`refuses instructions longer than ${MAX_INSTRUCTION_CHARS} characters with a clear message`, () => {
    const long = 'put the red cube in the bowl '.repeat(20);
    const m = matchInstruction(long);
    expect(m.best).toBeNull();
    expect(m.message).toMatch(new RegExp(`${MAX_INSTRUCTION_CHARS} characters`));
    expect(m.normalized).toEqual([]);
    const huge = matchInstruction('x'.repeat(10_000));
    expect(huge.best).toBeNull();
    expect(huge.message).toContain('10,000 characters');
    expect(huge.unknown).toEqual([]);
    expect(huge.refused).toBe('too-long');
    expect(matchInstruction('put the red cube in the bowl' + ' '.repeat(400)).best?.taskId).toBe('object/red_to_bowl');
  });

  it('answers an empty instruction with a message', () => {
    for (const t of ['', '   ']) {
      const m = matchInstruction(t);
      expect(m.best).toBeNull();
      expect(m.message).toMatch(/Type an instruction/);
      expect(m.refused).toBe('empty');
    }
    expect(matchInstruction('put the red cube in the bowl').refused).toBeUndefined();
  });
});
