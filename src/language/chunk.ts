import type { Noun, Tok, Token, Verb } from './lexicon';
import type { Colour } from './program';
import type { Near } from './words';

// One clause's tokens grouped into noun phrases ("mentions"): what each names (a cube, the bowl, the
// drawer...), with its colours, where it is said to be ("on the left", "next to the bowl") and the
// preposition in front of it. Which mention is the object and which the target is decided in clauses.ts.

export type Head = Noun | 'it' | 'implicit' | 'robot' | 'table' | 'cabinet' | 'absent';
export type Prep = 'in' | 'on' | 'to' | 'from' | 'of';

export interface Mod {
  rel: 'left' | 'right' | Near;
  /** Said before the noun ("the nearest cube"), which matters for "move the nearest cube to the bowl". */
  pre: boolean;
  landmark?: Mention;
}

export interface Mention {
  prep: Prep | null;
  /** The preposition is one of motion ("into", "onto", "to"). */
  dir: boolean;
  head: Head;
  /** The word for an absent thing ("ball"). */
  thing?: string;
  colours: Colour[];
  otherColours: string[];
  mods: Mod[];
  /** "the second cube from the left": the rank along the order its place word says. */
  rank?: number;
  /** "all the cubes". */
  all: boolean;
  /** Coordinated descriptions sharing this head: "the red and the blue cubes". */
  also: Adj[];
  start: number;
  end: number;
}

/** What is said of a cube before its noun. */
export type Adj = Pick<Mention, 'colours' | 'otherColours' | 'mods' | 'rank'>;

export interface Chunked {
  verbs: Array<{ v: Verb; afterMentions: number }>;
  particles: string[];
  /** "twice", "three times". */
  counts: number[];
  mentions: Mention[];
  start: number;
  end: number;
}

const isHeadTok = (t: Tok) => t.t === 'noun' || t.t === 'one' || t.t === 'landmark' || t.t === 'absent' || t.t === 'it';
const isAdjTok = (t: Tok) => t.t === 'colour' || t.t === 'other_colour' || t.t === 'side' || t.t === 'near' || t.t === 'ordinal';
const CUBEISH = new Set<Head>(['cube', 'it', 'implicit']);
export const isCubeish = (m: Mention) => CUBEISH.has(m.head);
export const isPlaceLike = (m: Mention) => m.head === 'robot' || m.head === 'bowl' || m.head === 'plate' || m.head === 'table' || m.head === 'cabinet' || m.head === 'drawer' || m.head === 'button';

export function chunk(tokens: Token[]): Chunked {
  const out: Chunked = { verbs: [], particles: [], counts: [], mentions: [], start: tokens[0]?.start ?? 0, end: tokens[tokens.length - 1]?.end ?? 0 };
  const content = tokens.filter((t) => t.tok.t !== 'filler' && t.tok.t !== 'unknown');
  let adj: Adj = { colours: [], otherColours: [], mods: [] };
  let also: Mention['also'] = [];
  let prep: Prep | null = null;
  let dir = false;
  let all = false;
  let adjStart = -1;
  /** A postmodifier ("next to", "closest to") waiting for its landmark. */
  let waiting: Mod | null = null;
  const hasAdj = () => adj.colours.length + adj.otherColours.length + adj.mods.length > 0 || adj.rank !== undefined;
  const lastCube = () => [...out.mentions].reverse().find(isCubeish);

  const close = (head: Head, tok: Token | null, thing?: string) => {
    const m: Mention = { prep, dir, head, thing, ...adj, all, also, start: adjStart >= 0 ? adjStart : tok?.start ?? 0, end: tok?.end ?? content[0]?.end ?? 0 };
    const landmarkable = m.head === 'robot' || m.head === 'bowl' || m.head === 'plate' || m.head === 'drawer' || m.head === 'button' || m.head === 'cabinet' || m.head === 'table';
    // "left of the bowl" takes its landmark with "of" only: in "the cube on the far left to the bowl" the
    // bowl is where the cube goes.
    const side = waiting?.rel === 'left' || waiting?.rel === 'right';
    if (waiting && landmarkable && (side ? prep === 'of' : prep !== 'in' && prep !== 'on')) {
      waiting.landmark = m;
      waiting = null;
    } else {
      out.mentions.push(m);
      // A premodifier near/far ("the nearest cube") can still take a landmark after its noun.
      waiting = m.mods.find((x) => x.pre && x.rel !== 'left' && x.rel !== 'right' && !x.landmark) ?? null;
    }
    adj = { colours: [], otherColours: [], mods: [] };
    also = [];
    prep = null;
    dir = false;
    all = false;
    adjStart = -1;
  };

  for (let i = 0; i < content.length; i++) {
    const { tok } = content[i];
    const next = content[i + 1]?.tok;
    switch (tok.t) {
      case 'verb':
        if (hasAdj()) close('implicit', content[i - 1]);
        out.verbs.push({ v: tok.v, afterMentions: out.mentions.length });
        break;
      case 'particle':
        out.particles.push(tok.v);
        break;
      case 'prep':
        if (hasAdj()) close('implicit', content[i - 1]);
        // A preposition with nothing after it is a particle ("push the drawer in").
        if (!next || (!isHeadTok(next) && !isAdjTok(next))) out.particles.push(tok.v);
        else {
          prep = tok.v;
          dir = !!tok.dir;
        }
        break;
      case 'colour':
        if (adjStart < 0) adjStart = content[i].start;
        adj.colours.push(tok.v);
        break;
      case 'other_colour':
        if (adjStart < 0) adjStart = content[i].start;
        adj.otherColours.push(tok.v);
        break;
      case 'ordinal': {
        // After its noun ("the cube second from the left"), the ordinal belongs to that cube.
        const target = lastCube();
        if (!hasAdj() && target && target.end === content[i - 1]?.end) {
          target.rank = tok.v;
          target.end = content[i].end;
          break;
        }
        if (adjStart < 0) adjStart = content[i].start;
        adj.rank = tok.v;
        break;
      }
      case 'count':
        out.counts.push(tok.v);
        break;
      case 'side':
      case 'near': {
        const mod: Mod = { rel: tok.v, pre: false };
        const beforeHead = next && ((next.t === 'noun' && next.v === 'cube') || next.t === 'one' || next.t === 'colour' || next.t === 'other_colour' || next.t === 'side' || next.t === 'near' || next.t === 'and');
        const target = lastCube();
        if (beforeHead || !target || hasAdj()) {
          mod.pre = true;
          if (adjStart < 0) adjStart = content[i].start;
          adj.mods.push(mod);
        } else {
          // After its noun: "the cube on the left", "the cube next to the bowl".
          target.mods.push(mod);
          target.end = content[i].end;
          prep = null;
        }
        if (!mod.pre) waiting = mod;
        break;
      }
      case 'all':
        all = true;
        break;
      case 'and':
        // Inside a noun phrase only (sequences were split before): "the red and the blue cubes".
        if (hasAdj()) {
          also.push(adj);
          adj = { colours: [], otherColours: [], mods: [] };
        }
        break;
      case 'noun':
        close(tok.v, content[i]);
        break;
      case 'one':
        close('implicit', content[i]);
        break;
      case 'it':
        close('it', content[i]);
        break;
      case 'landmark':
        close(tok.v, content[i]);
        break;
      case 'absent':
        close('absent', content[i], tok.v);
        break;
      default:
        break;
    }
  }
  if (hasAdj()) close('implicit', content[content.length - 1]);
  // A landmark that never came ("the cube nearest") leaves the relation to the robot.
  return out;
}
