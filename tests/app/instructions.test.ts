import { describe, expect, it } from 'vitest';
import { editDistance, matchInstruction, matchableTaskIds } from '../../src/sim/instructions';
import { TASKS } from '../../src/sim/tasks';
import { Rng } from '../../src/sim/rng';

describe('matchInstruction', () => {
  it('matches every template of every single-instruction task to that task', () => {
    const wrong: string[] = [];
    for (const task of TASKS.filter((t) => t.suite !== 'chains')) {
      for (const template of task.templates) {
        const m = matchInstruction(template);
        if (m.best?.taskId !== task.id) wrong.push(`${template} -> ${m.best?.taskId ?? m.message}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('matches the instruction each seeded episode shows', () => {
    for (const id of matchableTaskIds()) {
      for (const seed of [0, 1, 2]) {
        const spec = TASKS.find((t) => t.id === id)!.sample(seed);
        // A long task shows its sentence; its goals hold each step's words.
        expect(matchInstruction(spec.text ?? spec.goals[0].instruction).best?.taskId).toBe(id);
      }
    }
  });

  it('understands synonyms and paraphrases', () => {
    const cases: Array<[string, string]> = [
      ['put the red block on the dish', 'goal/red_on_plate'],
      ['grab the leftmost block and drop it in the bowl', 'spatial/left_cube_to_bowl'],
      ['Move the cube on the far right into the container!', 'spatial/right_cube_to_bowl'],
      ['shut the drawer', 'goal/close_drawer'],
      ['push the button', 'goal/press_button'],
      ['stack blue on yellow', 'goal/stack_blue_on_yellow'],
      ['place the yellow block inside the bowl please', 'object/yellow_to_bowl'],
      ['put the red cube in the bowl then press the button', 'long/red_bowl_then_button'],
      ['put the nearest cube on the plate', 'spatial/near_cube_to_plate'],
      ['place the cube closest to the bowl onto the plate', 'spatial/cube_near_bowl_to_plate'],
    ];
    for (const [text, id] of cases) expect(matchInstruction(text).best?.taskId, text).toBe(id);
  });

  it('corrects small typos and reports them', () => {
    const m = matchInstruction('put teh rde cube in the bwol');
    expect(m.best?.taskId).toBe('object/red_to_bowl');
    expect(m.corrections.map((c) => c.to)).toEqual(expect.arrayContaining(['red', 'bowl']));
    expect(matchInstruction('opne the drawer').best?.taskId).toBe('goal/open_drawer');
    expect(matchInstruction('pleas push the red buton').best?.taskId).toBe('goal/press_button');
  });

  it('refuses a colour no task uses and says which word was not matched', () => {
    const m = matchInstruction('put the purple cube in the bowl');
    expect(m.best).toBeNull();
    expect(m.message).toMatch(/purple/);
    expect(m.candidates).toHaveLength(3);
  });

  it('refuses a combination no task has, offering near misses', () => {
    const m = matchInstruction('put the green cube on the plate');
    expect(m.best).toBeNull();
    expect(m.candidates.length).toBe(3);
    expect(m.candidates.map((c) => c.taskId)).toContain('object/green_to_bowl');
  });

  it('does not accept a stacking order that is the wrong way round', () => {
    const m = matchInstruction('stack the yellow cube on the blue cube');
    expect(m.best).toBeNull();
    expect(m.candidates[0].taskId).toBe('goal/stack_blue_on_yellow');
    expect(m.message).toMatch(/other way round/);
  });

  it('does not guess when the instruction is ambiguous', () => {
    const m = matchInstruction('put the cube in the bowl');
    expect(m.best).toBeNull();
    expect(m.message).toMatch(/does not say enough|more than one/);
  });

  it('lists understood and not understood words for nonsense, with suggestions', () => {
    const m = matchInstruction('make me a sandwich');
    expect(m.best).toBeNull();
    expect(m.unknown).toEqual(expect.arrayContaining(['sandwich']));
    expect(m.candidates).toHaveLength(3);
    expect(matchInstruction('').best).toBeNull();
    expect(matchInstruction('   ').message).toMatch(/Type an instruction/);
  });

  it('never throws on arbitrary input', () => {
    const rng = new Rng(7);
    const alphabet = "abcdefghijklmnopqrstuvwxyz  ,.'-!?0123456789ÄéЖ漢🙂";
    for (let i = 0; i < 300; i++) {
      const n = Math.floor(rng.uniform(0, 60));
      let s = '';
      for (let k = 0; k < n; k++) s += alphabet[Math.floor(rng.uniform(0, alphabet.length))];
      const m = matchInstruction(s);
      expect(m.candidates.length).toBeLessThanOrEqual(3);
    }
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and swaps', () => {
    expect(editDistance('cube', 'cube')).toBe(0);
    expect(editDistance('cube', 'cub')).toBe(1);
    expect(editDistance('red', 'rde')).toBe(1);
    expect(editDistance('bowl', 'plate')).toBe(5);
    expect(editDistance('teh', 'the')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
