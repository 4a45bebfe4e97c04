import { chunk, isCubeish, type Adj, type Chunked, type Mention } from './chunk';
import type { Tok, Token, Verb } from './lexicon';
import { MAX_ATOMS, ORDINAL_WORDS, type Colour, type SpatialRelation } from './program';

// A sentence cut into clauses ("pick up the red cube | and put it in the bowl | then press the button")
// and what each clause asks for: a cube to move (and where, if it says), or the drawer or the button.

/** How a cube was described in a clause, before it is looked up on a scene. */
export interface Desc {
  colours: Colour[];
  otherColours: string[];
  rel: SpatialRelation | null;
  /** A description this parser cannot evaluate ("the cube left of the bowl"), said as a reason. */
  unsupported: string | null;
  /** "it", "them": the cube of the clause before. */
  pronoun: boolean;
  /** "all the cubes": every cube standing on the table. */
  all?: boolean;
  /** "the second cube from the left": the rank along `rel`. */
  rank?: number;
  /** "the cube on the red cube": the cube it is stacked on. */
  on?: Desc;
}

export type TargetDesc = { kind: 'bowl' } | { kind: 'plate' } | { kind: 'cube'; cube: Desc };

export type Meaning =
  | { kind: 'place'; verb: Verb | null; cubes: Desc[]; target: TargetDesc | null }
  | { kind: 'fixture'; atom: 'open_drawer' | 'close_drawer' | 'press_button'; times?: number }
  | { kind: 'refuse'; message: string }
  | { kind: 'empty' };

export interface Clause {
  meaning: Meaning;
  start: number;
  end: number;
  /** Introduced by "after" ("press the button after opening the drawer"): happens before the clause before it. */
  after: boolean;
  /** Introduced by "before" at the start of the sentence: happens after the clause that follows it. */
  before: boolean;
}

export const INVENTORY = 'this table has four cubes (red, green, blue and yellow), a blue bowl, a white plate, a drawer and a red button';

const SPLIT = new Set<Tok['t']>(['sep', 'then', 'first', 'after', 'before']);
const COLOUR_TOK = new Set<Tok['t']>(['colour', 'other_colour']);
const ADJ = new Set<Tok['t']>(['colour', 'other_colour', 'side', 'near', 'ordinal']);

/**
 * Clauses of a sentence. "and" joins clauses, except after a colour that has no noun yet ("the red and the
 * blue cubes"); after "on the far left" it starts a clause, as the place belongs to the cube before it.
 */
export function splitClauses(tokens: Token[]): Array<{ tokens: Token[]; after: boolean; before: boolean }> {
  const out: Array<{ tokens: Token[]; after: boolean; before: boolean }> = [];
  let cur: Token[] = [];
  let flags = { after: false, before: false };
  const content = (i: number, step: number) => {
    for (let k = i + step; k >= 0 && k < tokens.length; k += step) if (tokens[k].tok.t !== 'filler') return tokens[k].tok;
    return null;
  };
  const flush = () => {
    if (cur.length) out.push({ tokens: cur, ...flags });
    cur = [];
    flags = { after: false, before: false };
  };
  tokens.forEach((t, i) => {
    if (t.tok.t === 'and') {
      const prev = content(i, -1);
      const next = content(i, 1);
      if (prev && next && COLOUR_TOK.has(prev.t) && ADJ.has(next.t)) cur.push(t);
      else flush();
    } else if (SPLIT.has(t.tok.t)) {
      flush();
      if (t.tok.t === 'after') flags.after = true;
      if (t.tok.t === 'before') flags.before = true;
    } else cur.push(t);
  });
  flush();
  return out;
}

const ORDERS = 'from the left, from the right, nearest to or farthest from the robot, closest to the bowl or the plate';

/** `location`: where the clause says the cube is (in the bowl, on the plate); `on`: the cube it is said to be on. */
function descOf(m: Adj & { all?: boolean }, head: Mention['head'], location: SpatialRelation | null, on: Desc | null = null): Desc {
  const d: Desc = { colours: [...new Set(m.colours)], otherColours: m.otherColours, rel: null, unsupported: null, pronoun: head === 'it' };
  const places = m.mods.length + (location ? 1 : 0) + (on ? 1 : 0);
  if (m.all) {
    if (m.colours.length + m.otherColours.length + places + (m.rank ?? 0) > 0) d.unsupported = '"all" can only be said of all the cubes, one after the other';
    else d.all = true;
    return d;
  }
  if (places > 1) {
    d.unsupported = 'a cube can be described by one place at a time (leftmost, rightmost, nearest to or farthest from the robot, next to the bowl or the plate, in the bowl, on the plate, on another cube)';
    return d;
  }
  if (m.rank !== undefined) {
    // An ordinal counts along an order: "the second cube" alone, or "the second cube in the bowl", has none.
    if (m.mods.length === 0) {
      d.unsupported = `"the ${ORDINAL_WORDS[m.rank]} cube" needs an order: say ${ORDERS} (for example "the second cube from the left")`;
      return d;
    }
    d.rank = m.rank;
  }
  if (location) d.rel = location;
  if (on) d.on = on;
  const mod = m.mods[0];
  if (!mod) return d;
  const lm = mod.landmark?.head ?? 'robot';
  if (mod.rel === 'left' || mod.rel === 'right') {
    if (mod.landmark && lm !== 'table') d.unsupported = `"${mod.rel} of the ${lm}" is not a place this parser knows; it knows the leftmost and the rightmost cube`;
    else d.rel = mod.rel === 'left' ? 'leftmost' : 'rightmost';
  } else if (lm === 'robot') d.rel = mod.rel === 'far' ? 'farthest' : 'nearest';
  else if (mod.rel !== 'far' && (lm === 'bowl' || lm === 'plate')) d.rel = lm === 'bowl' ? 'next_to_bowl' : 'next_to_plate';
  else d.unsupported = `cubes can be found next to the bowl or the plate, or nearest to or farthest from the robot, not ${mod.rel === 'far' ? 'farthest from' : 'next to'} the ${lm}`;
  return d;
}

const describeVerb: Record<string, string> = { open: 'opened', close: 'closed', pull: 'pulled' };
/** The cube a cube goes on, with where it is said to be ("the cube in the bowl", "the cube on the red cube"). */
function targetDesc(m: Mention, at: Mention | null): Desc {
  if (!at) return descOf(m, m.head, null);
  if (at.head === 'bowl' || at.head === 'plate') return descOf(m, m.head, at.head === 'bowl' ? 'in_bowl' : 'on_plate');
  return descOf(m, m.head, null, descOf(at, at.head, null));
}

/** A cube named by a noun or "one" (not "it"): what a cube can be said to be on. */
const isStackable = (m: Mention) => m.head === 'cube' || m.head === 'implicit';
/** "the cube", "the one": nothing says which. */
const blankCube = (m: Mention) => isStackable(m) && m.colours.length + m.otherColours.length + m.mods.length === 0 && m.rank === undefined && !m.all && m.also.length === 0;

function colourCheck(m: Mention, allowed: string[], what: string): string | null {
  const said = [...m.colours, ...m.otherColours].filter((c) => !allowed.includes(c));
  return said.length ? `there is no ${said[0]} ${what}; ${INVENTORY}` : null;
}

/**
 * What a clause asks for. A count ("twice", "three times") repeats a press of the button, one step per
 * press; said of anything else it is refused, as moving a cube or opening the drawer twice cannot be done.
 */
export function interpret(tokens: Token[]): Meaning {
  const c = chunk(tokens);
  const m = meaningOf(c);
  const times = c.counts.length ? c.counts[0] : 1;
  if (m.kind === 'refuse' || m.kind === 'empty' || (c.counts.length <= 1 && times === 1)) return m;
  if (c.counts.length > 1) return { kind: 'refuse', message: 'say how many times once' };
  if (m.kind !== 'fixture' || m.atom !== 'press_button') {
    return { kind: 'refuse', message: 'only the button can be pressed a number of times; a cube is moved, and the drawer opened or closed, once per step' };
  }
  if (times < 1) return { kind: 'refuse', message: `pressing the button ${times} times is nothing to do` };
  if (times > MAX_ATOMS) return { kind: 'refuse', message: `the button can be pressed at most ${MAX_ATOMS} times in one instruction (one step per press, ${MAX_ATOMS} steps at most)` };
  return { ...m, times };
}

function meaningOf(c: Chunked): Meaning {
  const absent = c.mentions.find((m) => m.head === 'absent');
  if (absent) return { kind: 'refuse', message: `there is no ${absent.thing} here; ${INVENTORY}` };
  const verb = c.verbs[0]?.v ?? null;
  const later = [...c.verbs.slice(1).map((v) => v.v), ...c.particles];
  const drawer = c.mentions.find((m) => m.head === 'drawer');
  const button = c.mentions.find((m) => m.head === 'button');
  const bad = (button && colourCheck(button, ['red'], 'button')) || null;
  if (bad) return { kind: 'refuse', message: bad };
  // A vocative "robot, ..." is not the object.
  const objIdx = c.mentions.findIndex((m) => (m.prep === null || m.prep === 'of') && m.head !== 'robot' && m.head !== 'table' && m.head !== 'cabinet');
  const obj = objIdx >= 0 ? c.mentions[objIdx] : undefined;
  const cubeObj = obj && isCubeish(obj) ? obj : undefined;

  if (verb === 'open' || verb === 'close' || verb === 'pull' || verb === 'push' || verb === 'press') {
    const hasTarget = c.mentions.some((m) => m.prep === 'in' || m.prep === 'on' || m.prep === 'to');
    if (!(cubeObj && hasTarget)) {
      if (verb === 'open' || verb === 'close') {
        if (obj && obj.head !== 'drawer' && obj.head !== 'cabinet') return { kind: 'refuse', message: `only the drawer can be ${describeVerb[verb]}` };
        return { kind: 'fixture', atom: verb === 'open' ? 'open_drawer' : 'close_drawer' };
      }
      const shut = later.some((v) => v === 'close' || v === 'shut');
      const open = later.some((v) => v === 'open' || v === 'away');
      if (drawer && !button) {
        if (verb === 'pull') return { kind: 'fixture', atom: shut ? 'close_drawer' : 'open_drawer' };
        return { kind: 'fixture', atom: open ? 'open_drawer' : 'close_drawer' };
      }
      if (verb === 'pull') return { kind: 'refuse', message: 'the drawer is the only thing to pull: say "pull the drawer open"' };
      if (cubeObj) return { kind: 'refuse', message: `a cube cannot be ${verb}ed in place; say where it should go, or press the button` };
      return { kind: 'fixture', atom: 'press_button' };
    }
  }
  if (!verb && c.mentions.length === 0) return { kind: 'empty' };
  // Without a verb or a place to go, a drawer or a bowl is no request ("opne the drawer": the unknown
  // word is what to report).
  if (obj && !cubeObj && !verb && !c.mentions.some((m) => m.prep === 'in' || m.prep === 'on' || m.prep === 'to')) return { kind: 'empty' };
  if (obj && !cubeObj) {
    if (obj.head === 'drawer') return { kind: 'refuse', message: 'the drawer can be opened or closed, not moved' };
    if (obj.head === 'button') return { kind: 'refuse', message: 'the button can be pressed, not moved' };
    return { kind: 'refuse', message: `only the cubes can be moved; the ${obj.head} stays where it is` };
  }
  if (!verb && !cubeObj && !c.mentions.some((m) => m.prep !== null)) return { kind: 'empty' };

  // The target is the last place a cube is put in, on or to; an earlier "on the plate", "from the bowl" or
  // "on the red cube" says where the cube is now ("put the cube on the plate in the bowl").
  const after = c.mentions.slice(objIdx + 1);
  let targetM = [...after].reverse().find((m) => m.prep === 'in' || m.prep === 'on' || m.prep === 'to');
  // "pick up the cube on the plate" says which cube; "pick it up onto the plate" would say where it goes.
  // On a cube, only when the cube picked up is otherwise undescribed: "lift the red cube on top of the blue
  // cube" still stacks it.
  if (verb === 'pick' && targetM && !targetM.dir) {
    if (targetM.head === 'bowl' || targetM.head === 'plate') targetM = undefined;
    else if (cubeObj && blankCube(cubeObj) && isStackable(targetM) && after[0] === targetM) targetM = undefined;
  }
  // "stack the red cube on the cube on the blue cube", "... on the cube in the bowl": an undescribed cube
  // right before the last place is where the cube goes, and that place says which cube it is.
  let targetAt: Mention | null = null;
  const before = targetM ? after[after.indexOf(targetM) - 1] : undefined;
  if (targetM && !targetM.dir && before?.prep === 'on' && blankCube(before) && (isStackable(targetM) ? targetM.prep === 'on' : targetM.head === 'bowl' || targetM.head === 'plate')) {
    targetAt = targetM;
    targetM = before;
  }
  let location: SpatialRelation | null = null;
  let onCube: Desc | null = null;
  for (const m of after) {
    if (m === targetM || m === targetAt || (m.prep !== 'in' && m.prep !== 'on' && m.prep !== 'from')) continue;
    if (m.head === 'bowl' || m.head === 'plate') location = m.head === 'bowl' ? 'in_bowl' : 'on_plate';
    else if (isStackable(m) && m.prep !== 'in') onCube = descOf(m, m.head, null);
  }
  // "move the nearest cube to the bowl": with no other target, the bowl is where it goes.
  const pre = cubeObj?.mods.find((m) => m.pre && m.landmark && m.landmark.prep === 'to' && (m.landmark.head === 'bowl' || m.landmark.head === 'plate'));
  if (!targetM && pre) {
    targetM = pre.landmark;
    pre.landmark = undefined;
  }
  const cubes = cubeObj
    ? [...cubeObj.also.map((a) => descOf(a, 'cube', location, onCube)), descOf(cubeObj, cubeObj.head, location, onCube)]
    : [{ colours: [], otherColours: [], rel: location, unsupported: null, pronoun: false, ...(onCube ? { on: onCube } : {}) }];
  if (!targetM) return { kind: 'place', verb, cubes, target: null };
  switch (targetM.head) {
    case 'bowl': {
      const why = colourCheck(targetM, ['blue'], 'bowl');
      return why ? { kind: 'refuse', message: why } : { kind: 'place', verb, cubes, target: { kind: 'bowl' } };
    }
    case 'plate': {
      const why = colourCheck(targetM, ['white'], 'plate');
      return why ? { kind: 'refuse', message: why } : { kind: 'place', verb, cubes, target: { kind: 'plate' } };
    }
    case 'cube':
    case 'implicit':
    case 'it':
      return { kind: 'place', verb, cubes, target: { kind: 'cube', cube: targetDesc(targetM, targetAt) } };
    case 'drawer':
      return { kind: 'refuse', message: 'cubes go in the bowl, on the plate or on another cube; putting one in the drawer is not something the simulator can check' };
    case 'table':
      return { kind: 'refuse', message: 'putting a cube down on the table is not a goal the simulator can check; say the bowl, the plate or another cube' };
    default:
      return { kind: 'refuse', message: `a cube can go in the bowl, on the plate or on another cube, not on the ${targetM.head}` };
  }
}

export function clausesOf(tokens: Token[]): Clause[] {
  return splitClauses(tokens).map((seg) => ({
    meaning: interpret(seg.tokens),
    start: seg.tokens[0].start,
    end: seg.tokens[seg.tokens.length - 1].end,
    after: seg.after,
    before: seg.before,
  }));
}
