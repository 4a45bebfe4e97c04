import type { Level } from '../sim/axes';
import type { Goal } from '../sim/goals';
import { Rng } from '../sim/rng';
import type { EpisodeSpec } from '../sim/tasks';
import { stepText } from '../sim/goals';
import { colourOf, colourRef, sameProgram, spatialRef, SPATIAL_RELATIONS, type Atom, type CubeRef, type SpatialRelation } from './program';
import { parse } from './parse';
import { renderProgram, type Wording } from './render';

// The `language` robustness axis (src/sim/axes.ts): the person says the episode's program another way, with
// the open grammar's own wordings (src/language/render.ts), so the episode, its goals and its judge are
// unchanged and only the words differ. Level 1 uses training wordings, level 2 held-out ones, level 3
// held-out ones with a filler phrase and a typo, the way people type.
//
// The words reach the policy as they would in the app (docs/robustness.md): the sentence is the spec's
// `text`, which a sentence-reading policy reads; a step-reading policy reads what the parser makes of it,
// each step in the training data's words (`stepText`), exactly as for a typed instruction and for the open
// suite. Where the parser does not read the sentence back as the same program, each step keeps its
// reworded words, as a typed sentence that is no program rewords a one-goal task in the app.

const FILLERS = ['um, ', 'hey robot, ', 'okay so ', 'right, ', 'robot, '];

/** The atom a goal carries out, with the cube named as the instruction named it (by place or by colour). */
export function atomOfGoal(g: Goal): Atom {
  const a = g.atom;
  if (a.kind !== 'place') return a;
  const said: CubeRef = g.ref && (SPATIAL_RELATIONS as readonly string[]).includes(g.ref) ? spatialRef(g.ref as SpatialRelation) : colourRef(colourOf(a.cube));
  const target = a.target === 'blue_bowl' ? ({ kind: 'bowl' } as const) : a.target === 'plate' ? ({ kind: 'plate' } as const) : ({ kind: 'cube', cube: colourRef(colourOf(a.target)) } as const);
  return { kind: 'place', cube: said, target };
}

/** Swap two adjacent inner letters of one word of five letters or more (the parser's typo range). */
function typo(text: string, rng: Rng): string {
  const words = text.split(' ');
  const long = words.map((w, i) => [w, i] as const).filter(([w]) => /^[a-z]{5,}$/i.test(w));
  if (!long.length) return text;
  const [w, i] = rng.pick(long);
  const k = 1 + rng.int(w.length - 3);
  words[i] = w.slice(0, k) + w[k + 1] + w[k] + w.slice(k + 2);
  return words.join(' ');
}

function wordingAt(program: Atom[], level: Level, rng: Rng): Wording {
  if (level === 1) return renderProgram(program, rng, false);
  // Held-out wordings: draw until one is actually held out (a draw may land on train words only).
  let w = renderProgram(program, rng, true);
  for (let k = 0; k < 30 && !w.heldout.length; k++) w = renderProgram(program, rng, true);
  return w;
}

/** The same episode said another way; `events` says how, for the timeline and the report. */
export function rewordSpec(spec: EpisodeSpec, level: Level, seed: number): { spec: EpisodeSpec; events: string[] } {
  const rng = new Rng(seed);
  const program = spec.goals.map(atomOfGoal);
  const w = wordingAt(program, level, rng.fork(1));
  const noisy = (s: string, k: number) => (level === 3 ? typo(rng.fork(10 + k).pick(FILLERS) + s, rng.fork(20 + k)) : s);
  const text = noisy(w.text, 9);
  const held = w.heldout.length ? ` (held out: ${[...new Set(w.heldout)].join(', ')})` : '';
  const read = parse(text, spec.init);
  if (read.kind === 'program' && sameProgram(read.program, program)) {
    const goals = spec.goals.map((g) => ({ ...g, instruction: stepText(g.atom) }));
    return { spec: { ...spec, goals, text }, events: [`language: "${text}"${held}; read as ${goals.map((g) => `"${g.instruction}"`).join(', then ')}`] };
  }
  const goals = spec.goals.map((g, i) => ({ ...g, instruction: noisy(w.steps[i], i) }));
  const why = read.kind === 'program' ? 'read as another program' : `not read (${read.kind})`;
  return { spec: { ...spec, goals, text }, events: [`language: "${text}"${held}; ${why}, so each step is read as said`] };
}
