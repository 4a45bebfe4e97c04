// The language core: open instructions -> programs -> goals the simulator judges. Pure TypeScript (no DOM,
// React or three.js): it runs in workers, in the runner page and in Node. docs/language.md describes it.

export { parse, MAX_CHARS, type ParseResult, type Step } from './parse';
export {
  COLOURS, MAX_ATOMS, SPATIAL_RELATIONS, describeAtom, describeProgram, describeRef, describeResolved, sameProgram,
  type Atom, type AtomKind, type Colour, type CubeRef, type Program, type ResolvedAtom, type SpatialRelation, type Target,
} from './program';
export { OPEN_SUITE, OPEN_TASK_ID, describePlan, programToGoals, programToSpec } from './judge';
export { goalOf, stepText } from '../sim/goals';
export { resolveProgram, type Resolution } from './resolve';
export { SPATIAL_MARGIN, referent, sceneOf, worldOf, type TableScene, type World } from './scene';
export { HELDOUT_ORDERS, HELDOUT_PAIRS, heldoutCompositions, sampleOpenEpisode, type OpenEpisode, type Split } from './sampler';
