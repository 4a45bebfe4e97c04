import { clausesOf, INVENTORY, type Clause, type Desc, type TargetDesc } from './clauses';
import { foreignNote, read } from './lexicon';
import {
  colourOf, colourRef, describeProgram, describeRef, MAX_ATOMS, onCubeRef, ORDERED_RELATIONS, ordinalRef, spatialRef,
  type Atom, type CubeRef, type OrderedRelation, type Program, type ResolvedAtom, type Target,
} from './program';
import { resolveProgram } from './resolve';
import { cubesIn, worldOf, type TableScene } from './scene';

// Text -> program, on a given scene. Every input gets one of three answers and none throws: a program
// (with the words each step came from), a question with the readings to choose from when the text fits
// more than one, or a refusal that says why (an object or colour the table does not have, a step that
// cannot be done there, a negation, too long). See docs/language.md.

export interface Step {
  /** The words of the instruction this step came from. */
  text: string;
  atom: Atom;
  /** The atom with its cubes looked up on the scene. */
  resolved: ResolvedAtom;
}

export type ParseResult =
  | { kind: 'program'; program: Program; steps: Step[]; unknownWords: string[]; corrections: Array<{ from: string; to: string }> }
  | { kind: 'clarify'; question: string; options: Array<{ label: string; program: Program }>; unknownWords: string[] }
  | { kind: 'refuse'; message: string; unknownWords: string[] };

export const MAX_CHARS = 300;
const MAX_OPTIONS = 8;
/** Readings collected, and scene look-ups spent, before giving up on listing them all. */
const MAX_READINGS = 64;
const MAX_RESOLVES = 1000;
const EXAMPLE = 'for example "put the red cube in the bowl, then press the button"';

// Negation: a parser that only knows what to do would drop "don't" as an unknown word and run what it forbids.
const NEGATION = /(?<![\p{L}\p{N}])(don['\u2019]?t|do\s+not|does\s+not|doesn['\u2019]?t|never|not|avoid|without|can['\u2019]?t|cannot|won['\u2019]?t|shouldn['\u2019]?t|mustn['\u2019]?t|neither|nor)(?![\p{L}\p{N}])/iu;

interface Item {
  cube?: Desc;
  target?: TargetDesc | null;
  fixture?: 'open_drawer' | 'close_drawer' | 'press_button';
  start: number;
  end: number;
}

const blank = (d: Desc) => !d.pronoun && !d.all && !d.rel && !d.on && !d.unsupported && d.colours.length === 0 && d.otherColours.length === 0;

/** Clauses in the order they are to happen: "B after A" and "before B, A" run A first. */
function ordered(clauses: Clause[]): Clause[] {
  const out = clauses.slice();
  for (let i = 1; i < out.length; i++) if (out[i].after && !out[i - 1].after) [out[i - 1], out[i]] = [out[i], out[i - 1]];
  if (out.length > 1 && out[0].before) [out[0], out[1]] = [out[1], out[0]];
  return out;
}

/** "all the cubes": each cube standing on the table when the instruction is given, left to right. */
function everyCube(scene: TableScene): Desc[] {
  const w = worldOf(scene);
  const standing = cubesIn(w).filter((c) => w.cubes[c]!.on === 'table').sort((a, b) => w.cubes[a]!.pos[1] - w.cubes[b]!.pos[1]);
  return standing.map((c) => ({ colours: [colourOf(c)], otherColours: [], rel: null, unsupported: null, pronoun: false }));
}

function assemble(clauses: Clause[], text: string, scene: TableScene): Item[] | string {
  const items: Item[] = [];
  let antecedent: Desc[] = [];
  let lastTarget: TargetDesc | null = null;
  for (const cl of ordered(clauses)) {
    const m = cl.meaning;
    if (m.kind === 'empty') continue;
    if (m.kind === 'refuse') return `"${text.slice(cl.start, cl.end)}": ${m.message}`;
    if (m.kind === 'fixture') {
      // "press the button twice": one step per press (interpret() keeps the count within MAX_ATOMS).
      for (let k = 0; k < (m.times ?? 1); k++) items.push({ fixture: m.atom, start: cl.start, end: cl.end });
      continue;
    }
    const held: Item[] = [];
    for (let k = items.length - 1; k >= 0 && items[k].cube && items[k].target === null; k--) held.unshift(items[k]);
    const fromBefore = (d: Desc) => (d.all ? everyCube(scene) : d.pronoun && antecedent.length ? antecedent : [d]);
    if (held.length && m.target && m.cubes.every((d) => d.pronoun || blank(d))) {
      // "pick up the red cube and put it in the bowl": one step.
      for (const h of held) Object.assign(h, { target: m.target, end: cl.end });
      antecedent = held.map((h) => h.cube!);
      lastTarget = m.target;
      continue;
    }
    // "put the red cube and the blue cube in the bowl": the first clause borrows the second's target.
    if (held.length && m.target && m.verb === null) for (const h of held) h.target = m.target;
    const target: TargetDesc | null = m.target ?? (m.verb === null ? lastTarget : null);
    const resolvedTarget = target?.kind === 'cube' && target.cube.pronoun && antecedent.length === 1 ? { kind: 'cube' as const, cube: antecedent[0] } : target;
    const cubes = m.cubes.flatMap(fromBefore);
    for (const d of cubes) items.push({ cube: d, target: resolvedTarget, start: cl.start, end: cl.end });
    antecedent = cubes;
    if (target) lastTarget = target;
  }
  return items;
}

type Choices = CubeRef[] | string;

const isOrdered = (r: string): r is OrderedRelation => (ORDERED_RELATIONS as readonly string[]).includes(r);

/** The place a description names, as a reference: "the second cube from the left", "the cube on the red cube". */
function placeRef(d: Desc): CubeRef | null {
  if (d.rel) return d.rank && isOrdered(d.rel) ? ordinalRef(d.rel, d.rank) : spatialRef(d.rel);
  if (!d.on) return null;
  const base = d.on.colours.length === 1 && !d.on.rel && !d.on.on ? colourRef(d.on.colours[0]) : placeRef(d.on);
  return base && onCubeRef(base);
}

/** The references a description may stand for; several when the text leaves it open. */
function cubeChoices(d: Desc, present: CubeRef[]): Choices {
  if (d.unsupported) return d.unsupported;
  if (d.otherColours.length) return `there is no ${d.otherColours[0]} cube; ${INVENTORY}`;
  const refs: CubeRef[] = d.colours.map(colourRef);
  if (d.rel) refs.push(placeRef(d)!);
  if (d.on) {
    // "the cube on the cube": each cube it may be on; the readings that cannot run drop out.
    const bases = cubeChoices(d.on, present);
    if (typeof bases === 'string') return bases;
    refs.push(...bases.map(onCubeRef));
  }
  return refs.length ? refs : present;
}

function atomChoices(item: Item, present: CubeRef[]): Atom[] | string {
  if (item.fixture) return [{ kind: item.fixture }];
  const cubes = cubeChoices(item.cube!, present);
  if (typeof cubes === 'string') return cubes;
  let targets: Target[] = [{ kind: 'bowl' }, { kind: 'plate' }];
  const t = item.target;
  if (t && t.kind !== 'cube') targets = [t];
  if (t?.kind === 'cube') {
    const refs = cubeChoices(t.cube, present);
    if (typeof refs === 'string') return refs;
    targets = refs.map((cube) => ({ kind: 'cube', cube }));
  }
  return cubes.flatMap((cube) => targets.map((target): Atom => ({ kind: 'place', cube, target })));
}

/** A program with one spatial reference replaced by a colour. */
function substitute(p: Program, atom: number, role: 'cube' | 'target', colour: CubeRef): Program {
  return p.map((a, i) => {
    if (i !== atom || a.kind !== 'place') return a;
    return role === 'cube' ? { ...a, cube: colour } : { ...a, target: { kind: 'cube', cube: colour } };
  });
}

interface Reading {
  program: Program;
  resolved: ResolvedAtom[];
}

const presentRefs = (scene: TableScene) => cubesIn(worldOf(scene)).map((c) => colourRef(colourOf(c)));

/** Steps, each with a meaning this parser can look up (whether the scene allows them or not). */
const readsAsSteps = (items: Item[] | string, scene: TableScene) =>
  typeof items !== 'string' && items.length > 0 && items.every((item) => typeof atomChoices(item, presentRefs(scene)) !== 'string');

/** Every runnable reading of the items on the scene (up to a bound), and the first reason one was not. */
function readings(items: Item[], scene: TableScene, said: (item: Item) => string): { found: Reading[]; impossible: string | null } {
  const present = presentRefs(scene);
  const perItem: Atom[][] = [];
  for (const [i, item] of items.entries()) {
    const c = atomChoices(item, present);
    if (typeof c === 'string') return { found: [], impossible: items.length > 1 ? `step ${i + 1} ("${said(item)}"): ${c}` : c };
    perItem.push(c);
  }
  // Depth first, each prefix checked on the scene: a step that cannot be done prunes every reading that
  // starts with it, and an ambiguous place is tried with each cube it may mean.
  const found = new Map<string, Reading>();
  let impossible: string | null = null;
  let budget = MAX_RESOLVES;
  const visit = (prefix: Program): void => {
    if (found.size >= MAX_READINGS || budget-- <= 0) return;
    const r = resolveProgram(prefix, scene);
    if (!r.ok) {
      if (r.kind === 'ambiguous') for (const c of r.candidates) visit(substitute(prefix, r.atom, r.role, colourRef(colourOf(c))));
      else impossible ??= items.length > 1 ? `step ${r.atom + 1} ("${said(items[r.atom])}"): ${r.message}` : r.message;
      return;
    }
    if (prefix.length === items.length) {
      const key = JSON.stringify(r.atoms);
      if (!found.has(key)) found.set(key, { program: prefix, resolved: r.atoms });
      return;
    }
    for (const a of perItem[prefix.length]) visit([...prefix, a]);
  };
  visit([]);
  return { found: [...found.values()], impossible };
}

/** The steps whose meaning differs between readings. */
const openSteps = (found: Reading[]) =>
  found[0].resolved.map((_, i) => i).filter((i) => new Set(found.map((f) => JSON.stringify(f.resolved[i]))).size > 1);

/** Readings to offer: taking turns over the first open step's meanings, so each of them is among the options. */
function spread(found: Reading[], at: number): Reading[] {
  const groups = new Map<string, Reading[]>();
  for (const f of found) {
    const k = JSON.stringify(f.resolved[at]);
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  const out: Reading[] = [];
  for (let round = 0; out.length < found.length; round++) for (const g of groups.values()) if (g[round]) out.push(g[round]);
  return out;
}

function question(items: Item[], found: Reading[], text: string): string {
  const open = openSteps(found);
  const at = open[0];
  const item = items[at];
  if (open.length > 1) {
    const steps = open.map((i) => `"${text.slice(items[i].start, items[i].end)}"`);
    return `Several steps can be read more than one way (${steps.join(', ')}). Which reading do you mean?`;
  }
  const said = `"${text.slice(item.start, item.end)}"`;
  const variants = new Set(found.map((f) => JSON.stringify(f.resolved[at])));
  const cubeAt = (f: Reading) => {
    const a = f.resolved[at];
    return a.kind === 'place' ? a.cube : null;
  };
  const sameCube = found.every((f) => cubeAt(f) !== null && cubeAt(f) === cubeAt(found[0]));
  const first = found[0].resolved[at];
  if (item.target === null && sameCube && first.kind === 'place') return `Where should the ${first.cube.replace('_', ' ')} go: in the bowl or on the plate?`;
  const d = item.cube;
  const place = d ? placeRef(d) : null;
  if (d && (d.rel || d.on) && d.colours.length) return `In ${said}, the colour and the place describe different cubes. Which one do you mean?`;
  if (place) return `In ${said}, ${describeRef(place)} is not clear: ${variants.size} cubes are about as close to fitting it. Which one do you mean?`;
  if (sameCube) return `In ${said}, which cube should it go on?`;
  return `Which cube do you mean in ${said}?`;
}

export function parse(text: unknown, scene: TableScene): ParseResult {
  const refuse = (message: string, unknownWords: string[] = []): ParseResult => ({ kind: 'refuse', message, unknownWords });
  try {
    if (typeof text !== 'string') return refuse(`An instruction is a sentence, ${EXAMPLE}.`);
    const trimmed = text.trim();
    if (!trimmed) return refuse(`Type an instruction, ${EXAMPLE}.`);
    if (trimmed.length > MAX_CHARS) {
      return refuse(`This instruction has ${trimmed.length} characters; at most ${MAX_CHARS} are read. Say up to ${MAX_ATOMS} steps in a sentence, ${EXAMPLE}.`);
    }
    const neg = NEGATION.exec(trimmed);
    if (neg) return refuse(`The instruction says "${neg[0]}": the robot can only be told what to do, not what to avoid. Say what it should do instead.`);
    let reading = read(trimmed);
    let items = assemble(clausesOf(reading.tokens), trimmed, scene);
    // A word under five letters is corrected only when the sentence then reads as steps ("opne the drawer");
    // otherwise it is read as typed, an unknown word ("opne the bowl" is not "open the bowl").
    if (reading.tentative && !readsAsSteps(items, scene)) {
      reading = read(trimmed, { short: false });
      items = assemble(clausesOf(reading.tokens), trimmed, scene);
    }
    const unknownWords = reading.unknown;
    const notes = unknownWords.map(foreignNote).filter((x): x is string => !!x);
    const withNotes = (m: string) => (notes.length ? `${m} (${notes.join('; ')}: instructions are read in English.)` : m);
    if (typeof items === 'string') return refuse(withNotes(capital(`${items}.`)), unknownWords);
    if (items.length === 0) {
      const why = unknownWords.length ? `Not understood: ${unknownWords.map((w) => `"${w}"`).join(', ')}.` : 'It names nothing to do.';
      return refuse(withNotes(`Could not find a step in this instruction. ${why} Try, ${EXAMPLE}.`), unknownWords);
    }
    if (items.length > MAX_ATOMS) return refuse(`This instruction has ${items.length} steps; at most ${MAX_ATOMS} can be carried out in one go.`, unknownWords);
    const { found, impossible } = readings(items, scene, (item) => trimmed.slice(item.start, item.end));
    if (found.length === 0) return refuse(withNotes(capital(`${impossible ?? 'this cannot be done on this table'}.`)), unknownWords);
    if (found.length === 1) {
      const { program, resolved } = found[0];
      const steps = program.map((atom, i) => ({ atom, resolved: resolved[i], text: trimmed.slice(items[i].start, items[i].end) }));
      return { kind: 'program', program, steps, unknownWords, corrections: reading.corrections };
    }
    const options = spread(found, openSteps(found)[0]).slice(0, MAX_OPTIONS).map((f) => ({ label: describeProgram(f.program), program: f.program }));
    return { kind: 'clarify', question: withNotes(question(items, found, trimmed)), options, unknownWords };
  } catch (e) {
    // Nothing above should throw; if it does, the person still gets an answer and the bug a message.
    return refuse(`Could not read this instruction (${e instanceof Error ? e.message : String(e)}).`);
  }
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

