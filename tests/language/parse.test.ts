import { describe, expect, it } from 'vitest';
import { parse, MAX_CHARS } from '../../src/language/parse';
import { describeProgram } from '../../src/language/program';
import { run, table } from './helpers';

// What sentences mean on a known table (tests/language/helpers.ts draws it), what is asked about and
// what is refused.

const bowl = (c: string) => ({ kind: 'place', cube: `${c}_cube`, target: 'blue_bowl' });
const plate = (c: string) => ({ kind: 'place', cube: `${c}_cube`, target: 'plate' });
const stack = (c: string, b: string) => ({ kind: 'place', cube: `${c}_cube`, target: `${b}_cube` });
const press = { kind: 'press_button' };
const open = { kind: 'open_drawer' };
const close = { kind: 'close_drawer' };
const OPEN = -0.12;

describe('sequences', () => {
  it.each([
    'put the red cube in the bowl then press the button',
    'put the red cube in the bowl, then press the button',
    'put the red cube in the bowl and then press the button',
    'put the red cube in the bowl. After that, press the button.',
    'put the red cube in the bowl; afterwards press the button',
    'put the red cube in the bowl and press the button',
    'put the red cube in the bowl, press the button',
    'First put the red cube in the bowl, finally press the button',
    'press the button after putting the red cube in the bowl',
    'before pressing the button, put the red cube in the bowl',
  ])('%s', (text) => {
    expect(run(text)).toEqual([bowl('red'), press]);
  });

  it('reads five steps, and refuses a sixth', () => {
    const five = 'open the drawer, put the red cube in the bowl, stack the green cube on the blue cube, put the yellow cube on the plate, then press the button';
    expect(run(five)).toEqual([open, bowl('red'), stack('green', 'blue'), plate('yellow'), press]);
    const six = parse(`${five} and close the drawer`, table());
    expect(six.kind).toBe('refuse');
    expect(six.kind === 'refuse' && six.message).toMatch(/6 steps; at most 5/);
  });

  it('keeps the words of each step', () => {
    const r = parse('Please pick up the red cube and put it in the bowl, then press the button', table());
    expect(r.kind === 'program' && r.steps.map((s) => s.text)).toEqual(['Please pick up the red cube and put it in the bowl', 'press the button']);
  });

  it('follows what earlier steps did', () => {
    expect(run('put the red cube on the plate, then put the cube on the plate in the bowl')).toEqual([plate('red'), bowl('red')]);
    expect(run('put the red cube in the bowl then put it on the plate')).toEqual([bowl('red'), plate('red')]);
    // Once the red cube is in the bowl, the leftmost cube standing on the table is the green one.
    expect(run('put the leftmost cube in the bowl, then put the leftmost cube on the plate')).toEqual([bowl('red'), plate('green')]);
    expect(run('open the drawer, then close the drawer')).toEqual([open, close]);
  });

  it('reads "on the plate" after a pick-up verb as where the cube is', () => {
    const scene = table({ move: { green_cube: [0.5, -0.28, 0.032] } });
    expect(run('pick up the cube on the plate and put it in the bowl', scene)).toEqual([bowl('green')]);
    expect(run('take the block from the plate and drop it into the bowl', scene)).toEqual([bowl('green')]);
    expect(run('put the cube on the plate in the bowl', scene)).toEqual([bowl('green')]);
    // Motion prepositions still say where a cube goes.
    expect(run('lift the red cube onto the plate')).toEqual([plate('red')]);
    expect(run('take the red cube to the bowl')).toEqual([bowl('red')]);
  });
});

describe('counts on the button', () => {
  it.each([
    ['press the button twice', [press, press]],
    ['press the button two times', [press, press]],
    ['push the red button three times', [press, press, press]],
    ['press the button 2 times', [press, press]],
    ['can you press the button twice?', [press, press]],
    ['press the button once', [press]],
    ['press the button one time', [press]],
    ['press the button twice, then open the drawer', [press, press, open]],
    ['put the red cube in the bowl and press the button five times', null],
    ['twice press the button', [press, press]],
  ])('%s', (text, want) => {
    if (want) expect(run(text)).toEqual(want);
    else expect(parse(text, table()).kind).toBe('refuse');
  });

  it('keeps the words for each press', () => {
    const r = parse('press the button twice', table());
    expect(r.kind === 'program' && r.steps.map((s) => s.text)).toEqual(['press the button twice', 'press the button twice']);
  });

  it.each([
    ['press the button six times', /at most 5 times/],
    ['press the button 1000000 times', /at most 5 times/],
    ['press the button 0 times', /nothing to do/],
    ['open the drawer, then press the button five times', /6 steps; at most 5/],
    ['open the drawer twice', /only the button can be pressed a number of times/],
    ['put the red cube in the bowl twice', /only the button/],
    ['press the button twice three times', /how many times once/],
  ])('refuses "%s"', (text, why) => {
    const r = parse(text, table());
    expect(r.kind === 'refuse' && r.message).toMatch(why);
  });
});

describe('paraphrases', () => {
  it.each([
    ['could you please place the crimson block into the blue bowl?', [bowl('red')]],
    ['set the scarlet cube on the dish', [plate('red')]],
    ['pick up the green cube and put it on the plate', [plate('green')]],
    ['grab the emerald block and drop it on the plate', [plate('green')]],
    ['stack the navy cube on top of the yellow one', [stack('blue', 'yellow')]],
    ['red cube to the bowl, green cube to the plate, then press the button', [bowl('red'), plate('green'), press]],
    ['put the red and blue cubes on the plate', [plate('red'), plate('blue')]],
    ['put the red cube on the plate and the blue cube in the bowl', [plate('red'), bowl('blue')]],
    ['put the red cube and the blue cube in the bowl', [bowl('red'), bowl('blue')]],
    ['put the red cube in the bowl and the yellow one too', [bowl('red'), bowl('yellow')]],
    ['put all the cubes in the bowl', [bowl('red'), bowl('green'), bowl('blue'), bowl('yellow')]],
    ['depress the push button', [press]],
    ['push the red button', [press]],
    ['press down on the button', [press]],
    ['pull the drawer open', [open]],
    ['open the top drawer of the cabinet', [open]],
    ['robot, kindly put the yellow cube in the bowl now', [bowl('yellow')]],
    ['plaec the yelow cube in the bowl', [bowl('yellow')]],
    ['PUT THE RED CUBE IN THE BOWL!!!', [bowl('red')]],
    // Spoken openings (the language axis's level 3, src/language/reword.ts): "right," is not a side there.
    ['right, the crimson block to the blue bowl', [bowl('red')]],
    ['Right, could you put the red cube in the bowl?', [bowl('red')]],
    ['um, put the red cube in the bowl', [bowl('red')]],
    ['right, put the rightmost cube in the bowl', [bowl('yellow')]],
    ['put the cube on the right in the bowl', [bowl('yellow')]],
  ])('%s', (text, want) => {
    expect(run(text)).toEqual(want);
  });

  it('closes an open drawer in several ways', () => {
    for (const t of ['close the drawer', 'shut the drawer', 'push the drawer shut', 'push the drawer in', 'push the drawer closed']) {
      expect(run(t, table({ drawer: OPEN })), t).toEqual([close]);
    }
  });

  it('reports typo corrections and unknown words', () => {
    const r = parse('carefully plaec the yelow cube in the bowl with panache', table());
    expect(r.kind).toBe('program');
    if (r.kind !== 'program') return;
    expect(r.corrections).toEqual([{ from: 'plaec', to: 'place' }, { from: 'yelow', to: 'yellow' }]);
    expect(r.unknownWords).toEqual(['panache']);
  });
});

describe('places', () => {
  it.each([
    ['put the leftmost cube in the bowl', [bowl('red')]],
    ['put the cube on the far left in the bowl', [bowl('red')]],
    ['put the rightmost block on the plate', [plate('yellow')]],
    ['put the cube on the right hand side on the plate', [plate('yellow')]],
    ['put the cube farthest from the robot on the plate', [plate('yellow')]],
    ['put the cube next to the bowl on the plate', [plate('blue')]],
    ['place the cube beside the bowl onto the plate', [plate('blue')]],
    ['put the cube next to the plate in the bowl', [bowl('red')]],
    ['stack the green cube on the rightmost cube', [stack('green', 'yellow')]],
    ['put the red cube on the left in the bowl', [bowl('red')]],
  ])('%s', (text, want) => {
    const r = parse(text, table());
    expect(r.kind === 'program' ? r.steps.map((s) => s.resolved) : r).toEqual(want);
  });

  it('keeps spatial references as said, for the scene they run on', () => {
    const r = parse('put the leftmost cube in the bowl', table());
    expect(r.kind === 'program' && r.program).toEqual([{ kind: 'place', cube: { kind: 'spatial', relation: 'leftmost' }, target: { kind: 'bowl' } }]);
  });
});

describe('ambiguity is asked about', () => {
  it('asks which cube when four fit', () => {
    const r = parse('put the cube in the bowl', table());
    expect(r.kind).toBe('clarify');
    if (r.kind !== 'clarify') return;
    expect(r.question).toMatch(/Which cube/);
    expect(r.options.map((o) => o.label)).toEqual(['red', 'green', 'blue', 'yellow'].map((c) => `put the ${c} cube in the bowl`));
    for (const o of r.options) expect(run(describeProgram(o.program))).toEqual([expect.objectContaining({ target: 'blue_bowl' })]);
  });

  it('asks where a picked-up cube should go', () => {
    const r = parse('pick up the red cube', table());
    expect(r.kind === 'clarify' && r.question).toMatch(/Where should the red cube go/);
    expect(r.kind === 'clarify' && r.options.map((o) => o.label)).toEqual(['put the red cube in the bowl', 'put the red cube on the plate']);
  });

  it('asks when a place fits two cubes (here, the two ways of measuring nearness disagree)', () => {
    const r = parse('put the cube closest to the robot in the bowl', table());
    expect(r.kind === 'clarify' && r.options.map((o) => o.label)).toEqual(['put the red cube in the bowl', 'put the blue cube in the bowl']);
  });

  it('asks when a colour and a place describe different cubes', () => {
    const r = parse('put the green cube on the left in the bowl', table());
    expect(r.kind === 'clarify' && r.options.map((o) => o.label)).toEqual(['put the green cube in the bowl', 'put the leftmost cube in the bowl']);
  });

  it('asks which cube an unknown or foreign colour was, and says why', () => {
    const r = parse('put the bleu cube in the bowl', table());
    expect(r.kind).toBe('clarify');
    expect(r.kind === 'clarify' && r.question).toMatch(/"bleu" looks like French for blue/);
    expect(r.unknownWords).toEqual(['bleu']);
  });

  it('says so when several steps are open, and offers each meaning of the first', () => {
    const r = parse('put the cube in the bowl, then put the cube on the plate', table());
    expect(r.kind === 'clarify' && r.question).toMatch(/Several steps/);
    if (r.kind !== 'clarify') return;
    const firsts = new Set(r.options.map((o) => JSON.stringify(o.program[0])));
    expect(firsts.size).toBe(4);
  });

  it('needs no question when only one cube is left to mean', () => {
    expect(run('put the cube in the bowl', table({ without: ['red_cube', 'green_cube', 'blue_cube'] }))).toEqual([bowl('yellow')]);
  });
});

describe('impossible requests are explained', () => {
  const refusal = (text: string, scene = table()) => {
    const r = parse(text, scene);
    return r.kind === 'refuse' ? r.message : `not refused: ${JSON.stringify(r)}`;
  };
  it.each([
    ['put the purple cube in the bowl', /no purple cube/],
    ['put the ball in the bowl', /no ball/],
    ['put the red cube on the red cube', /cannot be stacked on itself/],
    ['put the bowl on the red cube', /only the cubes can be moved/],
    ['put the plate in the bowl', /only the cubes can be moved/],
    ['put the red cube in the green bowl', /no green bowl/],
    ['press the blue button', /no blue button/],
    ['put the red cube in the drawer', /drawer/],
    ['close the drawer', /already closed/],
    ['open the bowl', /only the drawer/],
    ['stack the red cube on the blue cube, then stack the green cube on the blue cube', /step 2.*red cube is already on the blue cube/i],
    ['stack the red cube on the blue cube, then put the blue cube on the plate', /red cube is on top of the blue cube/],
    ['put the cube left of the bowl on the plate', /leftmost and the rightmost/],
    ['hello there', /Could not find a step/],
  ])('%s', (text, why) => {
    expect(refusal(text)).toMatch(why);
  });

  it('refuses a cube the table does not have', () => {
    expect(refusal('put the green cube in the bowl', table({ without: ['green_cube'] }))).toMatch(/no green cube/);
  });

  it('refuses to open a drawer that is already open', () => {
    expect(refusal('open the drawer', table({ drawer: OPEN }))).toMatch(/already open/);
    expect(refusal('close the drawer then shut the drawer', table({ drawer: OPEN }))).toMatch(/step 2.*already closed/i);
  });

  it.each(["don't put the red cube in the bowl", 'Do not press the button', 'never open the drawer', 'Don\u2019t touch it', 'put the red cube in the bowl without the blue one'])('refuses the negation in "%s"', (text) => {
    expect(refusal(text)).toMatch(/what to do, not what to avoid/);
  });

  it('caps the length and answers nothing typed', () => {
    expect(refusal(`put the red cube in the bowl ${'very '.repeat(60)}`)).toMatch(new RegExp(`at most ${MAX_CHARS}`));
    expect(refusal('   ')).toMatch(/Type an instruction/);
    for (const x of [undefined, null, 42, {}, ['put']]) expect(parse(x, table()).kind).toBe('refuse');
  });

  it('keeps words of other scripts whole and reports them', () => {
    const r = parse('put the Würfel in the bowl', table());
    expect(r.unknownWords).toEqual(['Würfel']);
    expect(parse('放 红色 方块', table()).kind).toBe('refuse');
  });
});
