import { describe, expect, it } from 'vitest';
import { parse } from '../../src/language/parse';
import { describeProgram, sameProgram, type Program } from '../../src/language/program';
import { resolveProgram } from '../../src/language/resolve';
import { run, table } from './helpers';

// Cube references beyond a colour or a superlative: the cube stacked on another ("the cube on the red
// cube") and ordinals along an order ("the second cube from the left"), looked up on the scene as the
// atoms before leave it, and asked about or refused like the others.

const bowl = (c: string) => ({ kind: 'place', cube: `${c}_cube`, target: 'blue_bowl' });
const plate = (c: string) => ({ kind: 'place', cube: `${c}_cube`, target: 'plate' });
const stack = (c: string, b: string) => ({ kind: 'place', cube: `${c}_cube`, target: `${b}_cube` });
const refusal = (text: string, scene = table()) => {
  const r = parse(text, scene);
  return r.kind === 'refuse' ? r.message : `not refused: ${JSON.stringify(r)}`;
};

/** The green cube stacked on the blue one (x 0.45, y 0.10). */
const greenOnBlue = () => table({ move: { green_cube: [0.45, 0.1, 0.06] } });

describe('the cube on another cube', () => {
  it.each([
    ['put the cube on the blue cube in the bowl', [bowl('green')]],
    ['put the cube on top of the blue cube on the plate', [plate('green')]],
    ['move the block on the blue one to the plate', [plate('green')]],
    ['pick up the cube on the blue cube and put it in the bowl', [bowl('green')]],
    ['take the cube from the blue cube and drop it into the bowl', [bowl('green')]],
    ['stack the red cube on the cube on the blue cube', [stack('red', 'green')]],
    ['stack the cube on the blue cube on the yellow cube', [stack('green', 'yellow')]],
  ])('%s', (text, want) => {
    expect(run(text, greenOnBlue())).toEqual(want);
  });

  it('keeps the reference as said', () => {
    const r = parse('put the cube on the blue cube in the bowl', greenOnBlue());
    expect(r.kind === 'program' && r.program).toEqual([
      { kind: 'place', cube: { kind: 'on_cube', relation: 'on_cube', base: { kind: 'colour', colour: 'blue' } }, target: { kind: 'bowl' } },
    ]);
  });

  it('sees the cubes the steps before put there', () => {
    expect(run('stack the red cube on the yellow cube, then put the cube on the yellow cube on the plate')).toEqual([stack('red', 'yellow'), plate('red')]);
    expect(run('put the cube on the blue cube in the bowl, then stack the red cube on the cube in the bowl', greenOnBlue())).toEqual([bowl('green'), stack('red', 'green')]);
    expect(run('put the red cube on the plate, then put the blue cube on the cube on the plate')).toEqual([plate('red'), stack('blue', 'red')]);
  });

  it('refuses when no cube is there, and says so', () => {
    expect(refusal('put the cube on the red cube in the bowl')).toMatch(/no cube is on the red cube/i);
    expect(refusal('put the cube on the blue cube in the bowl, then put the cube on the blue cube on the plate', greenOnBlue())).toMatch(/step 2.*no cube is on the blue cube/i);
  });

  it('asks which stack is meant when the cube under it is not said', () => {
    const two = table({ move: { green_cube: [0.45, 0.1, 0.06], yellow_cube: [0.36, -0.25, 0.06] } });
    const r = parse('move the cube on the cube to the bowl', two);
    expect(r.kind).toBe('clarify');
    expect(r.kind === 'clarify' && r.options.map((o) => o.label).sort()).toEqual(['put the cube on the blue cube in the bowl', 'put the cube on the red cube in the bowl']);
    if (r.kind === 'clarify') for (const o of r.options) expect(run(o.label, two)).toEqual([bowl(o.label.includes('blue') ? 'green' : 'yellow')]);
  });

  it('still reads "put the cube on the red cube" and "lift the red cube on top of the blue cube" as stacking', () => {
    const r = parse('put the cube on the red cube', table());
    expect(r.kind).toBe('clarify');
    if (r.kind === 'clarify') for (const o of r.options) expect(resolveProgram(o.program, table())).toMatchObject({ ok: true, atoms: [{ target: 'red_cube' }] });
    expect(run('lift the red cube on top of the blue cube')).toEqual([stack('red', 'blue')]);
  });
});

describe('ordinals along an order', () => {
  // By y (left to right): red -0.25, green -0.05, blue 0.10, yellow 0.25, 15-20 cm apart.
  it.each([
    ['put the second cube from the left in the bowl', [bowl('green')]],
    ['put the third cube from the left in the bowl', [bowl('blue')]],
    ['put the fourth cube from the left on the plate', [plate('yellow')]],
    ['put the second cube from the right on the plate', [plate('blue')]],
    ['put the second leftmost block on the plate', [plate('green')]],
    ['put the first cube from the left on the plate', [plate('red')]],
    ['put the second one from the left in the bowl', [bowl('green')]],
    ['put the cube second from the left in the bowl', [bowl('green')]],
    ['put the block third from the right on the plate', [plate('green')]],
    ['put the third closest cube to the robot in the bowl', [bowl('green')]],
    ['put the second farthest cube from the robot in the bowl', [bowl('green')]],
    ['put the second closest cube to the bowl on the plate', [plate('yellow')]],
  ])('%s', (text, want) => {
    expect(run(text)).toEqual(want);
  });

  it('keeps the ordinal as said; the first is the superlative', () => {
    const r = parse('put the second cube from the right in the bowl', table());
    expect(r.kind === 'program' && r.program[0]).toMatchObject({ cube: { kind: 'ordinal', relation: 'rightmost', rank: 2 } });
    const first = parse('put the first cube from the left in the bowl', table());
    expect(first.kind === 'program' && first.program[0]).toMatchObject({ cube: { kind: 'spatial', relation: 'leftmost' } });
  });

  it('reads the nearest ones both ways, as the superlative does', () => {
    // Red moved back: nearest by how far forward and by distance to the base, and blue second by both.
    const scene = table({ move: { red_cube: [0.3, -0.25, 0.02] } });
    expect(run('put the second nearest cube in the bowl', scene)).toEqual([bowl('blue')]);
    expect(run('put the second closest cube to the robot in the bowl', scene)).toEqual([bowl('blue')]);
    // On the test table red and blue are within 6 cm of each other by distance to the base: a question.
    const r = parse('put the second nearest cube in the bowl', table());
    expect(r.kind).toBe('clarify');
    expect(r.kind === 'clarify' && r.question).toMatch(/the second nearest cube to the robot is not clear/);
    expect(r.kind === 'clarify' && r.options.map((o) => o.label)).toEqual(['put the red cube in the bowl', 'put the blue cube in the bowl']);
  });

  it('asks when the neighbouring ranks are closer than the margin', () => {
    const scene = table({ move: { green_cube: [0.55, 0.06, 0.02] } });
    const r = parse('put the second cube from the left in the bowl', scene);
    expect(r.kind).toBe('clarify');
    expect(r.kind === 'clarify' && r.options.map((o) => o.label)).toEqual(['put the green cube in the bowl', 'put the blue cube in the bowl']);
    // The first and the last are still clear.
    expect(run('put the first cube from the left in the bowl', scene)).toEqual([bowl('red')]);
  });

  it('counts the cubes standing on the table as the steps before leave them, the moved cube included', () => {
    expect(run('put the leftmost cube in the bowl, then put the second cube from the left on the plate')).toEqual([bowl('red'), plate('blue')]);
    expect(run('stack the red cube on the second cube from the left')).toEqual([stack('red', 'green')]);
    expect(refusal('stack the green cube on the second cube from the left')).toMatch(/cannot be stacked on itself/);
  });

  it('refuses an ordinal past the cubes there, and one with no order', () => {
    expect(refusal('put the third cube from the left in the bowl', table({ without: ['red_cube', 'green_cube'] }))).toMatch(/only 2 cubes are standing on the table/i);
    expect(refusal('put the second cube in the bowl')).toMatch(/"the second cube" needs an order/);
    expect(refusal('put the second cube in the bowl on the plate')).toMatch(/needs an order/);
  });

  it('leaves "second" and "first" as sequence words elsewhere', () => {
    expect(run('first put the red cube in the bowl, second press the button')).toEqual([bowl('red'), { kind: 'press_button' }]);
    expect(run('First the red cube to the bowl, then the blue cube to the plate')).toEqual([bowl('red'), plate('blue')]);
    expect(run('put the red cube in the bowl. Second, put the second cube from the left on the plate')).toEqual([bowl('red'), plate('blue')]);
  });
});

describe('describeProgram of the new references parses back', () => {
  const on = (base: string) => ({ kind: 'on_cube' as const, relation: 'on_cube' as const, base: { kind: 'colour' as const, colour: base as 'blue' } });
  const programs: Array<[Program, ReturnType<typeof table>]> = [
    [[{ kind: 'place', cube: on('blue'), target: { kind: 'bowl' } }], greenOnBlue()],
    [[{ kind: 'place', cube: { kind: 'colour', colour: 'red' }, target: { kind: 'cube', cube: on('blue') } }], greenOnBlue()],
    [[{ kind: 'place', cube: on('blue'), target: { kind: 'cube', cube: { kind: 'colour', colour: 'yellow' } } }], greenOnBlue()],
    [[{ kind: 'place', cube: { kind: 'ordinal', relation: 'leftmost', rank: 2 }, target: { kind: 'plate' } }], table()],
    [[{ kind: 'place', cube: { kind: 'ordinal', relation: 'rightmost', rank: 3 }, target: { kind: 'bowl' } }], table()],
    [[{ kind: 'place', cube: { kind: 'ordinal', relation: 'nearest', rank: 3 }, target: { kind: 'cube', cube: { kind: 'colour', colour: 'yellow' } } }], table()],
    [[{ kind: 'place', cube: { kind: 'ordinal', relation: 'farthest', rank: 2 }, target: { kind: 'plate' } }], table()],
    [[{ kind: 'place', cube: { kind: 'ordinal', relation: 'next_to_bowl', rank: 2 }, target: { kind: 'plate' } }], table()],
    [[{ kind: 'place', cube: { kind: 'colour', colour: 'red' }, target: { kind: 'cube', cube: { kind: 'ordinal', relation: 'leftmost', rank: 4 } } }], table()],
    [[{ kind: 'press_button' }, { kind: 'press_button' }], table()],
  ];
  it.each(programs.map(([p, s]) => [describeProgram(p), p, s] as const))('%s', (text, program, scene) => {
    expect(resolveProgram(program, scene).ok).toBe(true);
    const r = parse(text, scene);
    expect(r.kind === 'program' && sameProgram(r.program, program), JSON.stringify(r)).toBe(true);
  });
});
