import type { Rng } from '../sim/rng';
import { describeRef, type Atom, type Colour, type CubeRef, type SpatialRelation } from './program';

// Wordings of programs for the sampler: sentence frames and synonyms, each marked train or held out
// (docs/language.md lists them). Every wording here must parse back to the program it renders; the
// property tests check that over hundreds of seeds.

export interface Choice {
  text: string;
  /** Set on wordings that only the held-out split uses; the value names the feature. */
  heldout?: string;
}

const T = (text: string): Choice => ({ text });
const H = (text: string, feature: string): Choice => ({ text, heldout: feature });

export const PUT_VERBS: Choice[] = [T('put'), T('place'), T('move'), T('set'), H('position', 'verb:position'), H('deposit', 'verb:deposit'), H('transfer', 'verb:transfer'), H('lay', 'verb:lay')];
export const PICK_VERBS: Choice[] = [T('pick up'), T('take'), H('grab', 'verb:grab'), H('lift up', 'verb:lift up')];
export const CUBE_NOUNS: Choice[] = [T('cube'), T('block'), H('square block', 'noun:square block')];
export const PLATE_NOUNS: Choice[] = [T('plate'), H('dish', 'noun:dish')];
export const BOWL_NOUNS: Choice[] = [T('bowl'), T('blue bowl')];
export const COLOUR_WORDS: Record<Colour, Choice[]> = {
  red: [T('red'), H('crimson', 'colour:crimson'), H('scarlet', 'colour:scarlet')],
  green: [T('green'), H('emerald', 'colour:emerald')],
  blue: [T('blue'), H('navy', 'colour:navy'), H('azure', 'colour:azure')],
  yellow: [T('yellow'), H('gold', 'colour:gold')],
};
/** `{n}` is the cube noun. */
export const SPATIAL_WORDS: Record<SpatialRelation, Choice[]> = {
  leftmost: [T('the leftmost {n}'), T('the {n} on the far left'), H('the left most {n}', 'spatial:left most')],
  rightmost: [T('the rightmost {n}'), T('the {n} on the far right'), H('the {n} on the right hand side', 'spatial:right hand side')],
  nearest: [T('the {n} closest to the robot'), T('the {n} nearest to the robot'), H('the nearest {n} to the robot', 'spatial:nearest X to')],
  farthest: [T('the {n} farthest from the robot'), H('the {n} furthest from the robot', 'spatial:furthest from')],
  next_to_bowl: [T('the {n} next to the bowl'), H('the {n} beside the bowl', 'spatial:beside')],
  next_to_plate: [T('the {n} next to the plate'), H('the {n} closest to the plate', 'spatial:closest to the plate')],
  in_bowl: [T('the {n} in the bowl')],
  on_plate: [T('the {n} on the plate')],
};
/** `{put}`, `{pick}`: verbs; `{o}`: the cube; `{t}`: where it goes. */
export const PLACE_FRAMES: Record<'bowl' | 'plate' | 'cube', Choice[]> = {
  bowl: [T('{put} {o} in {t}'), T('{put} {o} into {t}'), T('{pick} {o} and {put} it in {t}'), T('{o} to {t}'), H('drop {o} into {t}', 'frame:drop into'), H('{pick} {o} and drop it in {t}', 'frame:pick and drop')],
  plate: [T('{put} {o} on {t}'), T('{put} {o} onto {t}'), T('{pick} {o} and {put} it on {t}'), T('{o} to {t}'), H('{put} {o} down on {t}', 'frame:put down on')],
  cube: [T('stack {o} on {t}'), T('{put} {o} on top of {t}'), T('{put} {o} onto {t}'), H('{pick} {o} and stack it on {t}', 'frame:pick and stack'), H('pile {o} on {t}', 'frame:pile')],
};
export const FIXTURE_FRAMES: Record<'open_drawer' | 'close_drawer' | 'press_button', Choice[]> = {
  open_drawer: [T('open the drawer'), T('pull the drawer open'), T('open the top drawer of the cabinet'), H('pull out the drawer', 'frame:pull out'), H('draw the drawer open', 'frame:draw open')],
  close_drawer: [T('close the drawer'), T('push the drawer shut'), T('shut the drawer'), H('push the drawer in', 'frame:push in'), H('push the drawer closed', 'frame:push closed')],
  press_button: [T('press the button'), T('push the red button'), T('press down on the button'), H('hit the button', 'frame:hit'), H('tap the push button', 'frame:tap push button')],
};
/** How the next step is joined on; `{a}` is what came before, `{b}` the step. */
export const JOINS: Choice[] = [T('{a}, then {b}'), T('{a} and then {b}'), T('{a}. Then {b}'), T('{a}, {b}'), H('{a}. After that, {b}', 'join:after that'), H('{a}; afterwards {b}', 'join:afterwards')];
/** Whole-sentence frames; `first` and `finally` mark the first and last step when there are several. */
export const SENTENCES: Choice[] = [T('{s}'), T('please {s}'), T('{s}, please'), H('could you {s}?', 'frame:could you'), H('would you kindly {s}', 'frame:would you kindly')];
export const FIRST_FINALLY = H('first {a}, and finally {b}', 'join:first-finally');

const pickFrom = (rng: Rng, xs: Choice[], allowHeldout: boolean) => rng.pick(allowHeldout ? xs : xs.filter((x) => !x.heldout));

export interface Wording {
  text: string;
  /** Each atom's own words (the goal instructions). */
  steps: string[];
  /** Held-out wording features used. */
  heldout: string[];
}

export function renderProgram(program: Atom[], rng: Rng, allowHeldout: boolean): Wording {
  const heldout: string[] = [];
  const choose = (xs: Choice[]) => {
    const c = pickFrom(rng, xs, allowHeldout);
    if (c.heldout) heldout.push(c.heldout);
    return c.text;
  };
  const ref = (r: CubeRef) => {
    const n = choose(CUBE_NOUNS);
    if (r.kind === 'colour') return `the ${choose(COLOUR_WORDS[r.colour])} ${n}`;
    // The sampler draws colours and places only; other references keep their plain English.
    return r.kind === 'spatial' ? choose(SPATIAL_WORDS[r.relation]).replace('{n}', n) : describeRef(r);
  };
  const steps = program.map((a) => {
    if (a.kind !== 'place') return choose(FIXTURE_FRAMES[a.kind]);
    const frame = choose(PLACE_FRAMES[a.target.kind]);
    const t = a.target.kind === 'bowl' ? `the ${choose(BOWL_NOUNS)}` : a.target.kind === 'plate' ? `the ${choose(PLATE_NOUNS)}` : ref(a.target.cube);
    return frame.replace('{o}', ref(a.cube)).replace('{t}', t).replace('{put}', choose(PUT_VERBS)).replace('{pick}', choose(PICK_VERBS));
  });
  let body: string;
  if (steps.length > 1 && allowHeldout && rng.next() < 0.15) {
    heldout.push(FIRST_FINALLY.heldout!);
    const middle = steps.slice(1, -1).map((s) => `, then ${s}`).join('');
    body = `first ${steps[0]}${middle}, and finally ${steps[steps.length - 1]}`;
  } else {
    body = steps[0];
    for (const s of steps.slice(1)) body = choose(JOINS).replace('{a}', body).replace('{b}', s);
  }
  // "could you the red cube to the bowl" is not English: a verbless first step keeps to the plain frames.
  const sentences = steps[0].startsWith('the ') ? SENTENCES.filter((f) => !/\w \{s\}/.test(f.text)) : SENTENCES;
  const text = choose(sentences).replace('{s}', body);
  return { text: text.charAt(0).toUpperCase() + text.slice(1), steps, heldout };
}
