import type { ResolvedAtom } from '../sim/goals';
import { parse } from './parse';
import { read } from './lexicon';
import { colourOf, colourRef, describeProgram, describeResolved, type Atom, type Colour, type Program } from './program';
import { resolveProgram } from './resolve';
import type { TableScene } from './scene';

// A person's words while the robot works (talk-back): read against the program still to do and the table
// as it is now. Four kinds, as people say them:
// - "stop" (or "wait", "halt"): nothing more is carried out;
// - an addition, "then press the button": steps after the remaining ones;
// - a repair of the current step, "no, the blue one": the same step with another cube;
// - anything else is a new instruction for the rest of the episode ("actually put it on the plate"; "it"
//   is the cube of the current step).
// Ambiguity gets the same question as at the start; an impossible request is refused with the parser's
// reason. Nothing here throws.

export type Correction =
  | { kind: 'stop'; message: string }
  | { kind: 'replace'; how: 'new' | 'add' | 'repair'; program: Program; atoms: ResolvedAtom[]; message: string }
  | { kind: 'clarify'; question: string; options: Array<{ label: string; program: Program }> }
  | { kind: 'refuse'; message: string };

const STOP = /^(?:please\s+)?(stop|halt|freeze|wait|hold on|cancel|abort)(?:\s+(?:it|now|there|that))?\s*[.!]*$/i;
const ADD = /^(?:and\s+)?(?:then|also|after that|afterwards|next|and then)\b[\s,]*(.+)$/i;
const NO = /^(?:no|nope|not that one|wrong one)\b[\s,.!]*(.*)$/i;
const LEAD = /^(?:actually|instead|rather|change of plan|sorry)\b[\s,]*/i;
const INSTEAD = /[\s,]*\binstead\b[.!]*$/i;

/** The program still to do, as a parser program (cubes by colour: they are resolved already). */
function asProgram(atoms: readonly ResolvedAtom[]): Program {
  return atoms.map((a): Atom => {
    if (a.kind !== 'place') return a;
    const target = a.target === 'blue_bowl' ? ({ kind: 'bowl' } as const) : a.target === 'plate' ? ({ kind: 'plate' } as const) : ({ kind: 'cube', cube: colourRef(colourOf(a.target)) } as const);
    return { kind: 'place', cube: colourRef(colourOf(a.cube)), target };
  });
}

function withProgram(program: Program, scene: TableScene, how: 'new' | 'add' | 'repair'): Correction {
  const r = resolveProgram(program, scene);
  if (!r.ok) {
    return { kind: 'refuse', message: r.kind === 'impossible' ? `That cannot be done now: ${r.message}.` : 'That is ambiguous on the table as it is now; say which cube.' };
  }
  return { kind: 'replace', how, program, atoms: r.atoms, message: `Now: ${r.atoms.map(describeResolved).join(', then ')}.` };
}

function fromParse(text: string, scene: TableScene, before: Program, how: 'new' | 'add'): Correction {
  const r = parse(text, scene);
  if (r.kind === 'refuse') return { kind: 'refuse', message: r.message };
  if (r.kind === 'clarify') return { kind: 'clarify', question: r.question, options: r.options.map((o) => ({ label: describeProgram([...before, ...o.program]), program: [...before, ...o.program] })) };
  return withProgram([...before, ...r.program], scene, how);
}

/**
 * The colour of a short cube description ("the blue one", "blue", "the crimson cube"), read with the
 * parser's own lexicon (synonyms, typos); null unless it names exactly one colour and nothing else to do.
 */
function soleColour(words: string): Colour | null {
  const toks = read(words).tokens.map((t) => t.tok);
  const colours = [...new Set(toks.filter((t): t is Extract<typeof t, { t: 'colour' }> => t.t === 'colour').map((t) => t.v))];
  const other = toks.some((t) => t.t === 'verb' || t.t === 'prep' || t.t === 'other_colour');
  return colours.length === 1 && !other ? colours[0] : null;
}

export function interpretCorrection(text: unknown, remaining: readonly ResolvedAtom[], scene: TableScene): Correction {
  try {
    if (typeof text !== 'string' || !text.trim()) return { kind: 'refuse', message: 'Type what the robot should do instead, or "stop".' };
    const t = text.trim();
    if (STOP.test(t)) return { kind: 'stop', message: 'Stopped: nothing more is carried out.' };
    const rest = asProgram(remaining);
    const add = ADD.exec(t);
    if (add) return fromParse(add[1], scene, rest, 'add');
    const no = NO.exec(t);
    const current = remaining[0];
    if (no) {
      const said = no[1].replace(INSTEAD, '').trim();
      // "no, the blue one": the current step with another cube.
      const colour = said && said.split(/\s+/).length <= 4 ? soleColour(said) : null;
      if (colour && current?.kind === 'place') {
        const first = rest[0] as Extract<Atom, { kind: 'place' }>;
        return withProgram([{ ...first, cube: colourRef(colour) }, ...rest.slice(1)], scene, 'repair');
      }
      if (!said) return { kind: 'refuse', message: 'Say what instead: "no, the blue one", or a new instruction.' };
      return replaceWith(said, current, scene);
    }
    return replaceWith(t, current, scene);
  } catch (e) {
    return { kind: 'refuse', message: `That correction could not be read (${e instanceof Error ? e.message : String(e)}).` };
  }
}

/** A new instruction for the rest of the episode; "it" is the cube of the current step. */
function replaceWith(words: string, current: ResolvedAtom | undefined, scene: TableScene): Correction {
  let said = words.replace(LEAD, '').replace(INSTEAD, '').trim();
  if (current?.kind === 'place') said = said.replace(/\bit\b/gi, `the ${colourOf(current.cube)} cube`);
  return fromParse(said, scene, [], 'new');
}
