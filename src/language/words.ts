// The words WordNet does not give: function words, how people say where a cube is, how steps follow each
// other, things that are not on this table, and words of other languages that a typo corrector would
// otherwise read as English. The content words (verbs, nouns, colours) come from WordNet through
// lexicon.json; scripts/build-lexicon.ts reads this file too, to list the English words near them.

/** Words that carry nothing the program needs. */
export const FILLERS = [
  'the', 'a', 'an', 'please', 'pls', 'plz', 'kindly', 'could', 'would', 'can', 'will', 'shall', 'you', 'i', 'me', 'we',
  'us', 'want', 'wanna', 'like', 'need', 'let', 'lets', 'go', 'ahead', 'now', 'just', 'also', 'carefully', 'gently',
  'slowly', 'quickly', 'so', 'this', 'these', 'those', 'thing', 'object', 'item', 'piece', 'side', 'way', 'there',
  'here', 'some', 'is', 'are', 'be', 'which', 'for', 'with', 'at', 'do', 'make', 'sure', 'your', 'my', 'its',
  'yourself', 'again', 'hand', 'corner', 'area', 'spot', 'top', 'hey', 'hi', 'ok', 'okay', 'thanks', 'thank',
  'little', 'small', 'big', 'single', 'both', 'whole', 'tabletop', 'surface', 'very', 'too', 'well', 'mind', 'if', 'how', 'about', 'try', 'able', 'am', 'was', 'should', 'must', 'time',
  'um', 'uh', 'erm', 'hmm',
  'kind', 'enough', 'lovely', 'dear', 'sir', 'task', 'job', 'instruction', 'once', 'youre',
];

/** Sequence words: a new step starts after them. */
export const THEN = ['then', 'afterwards', 'afterward', 'next', 'finally', 'lastly', 'last', 'subsequently', 'later', 'thereafter', 'second', 'secondly', 'third', 'thirdly'];
/** Words that open the first step. */
export const FIRST = ['first', 'firstly', 'initially', 'begin', 'start'];

export type Near = 'near' | 'far' | 'next';
export const SIDE_WORDS: Record<string, 'left' | 'right'> = { left: 'left', leftmost: 'left', right: 'right', rightmost: 'right' };
export const NEAR_WORDS: Record<string, Near> = {
  near: 'near', nearest: 'near', nearer: 'near', closest: 'near', closer: 'near', nighest: 'near',
  far: 'far', farthest: 'far', furthest: 'far', farther: 'far', further: 'far', distant: 'far', remotest: 'far',
  beside: 'next', by: 'next', alongside: 'next', adjacent: 'next', neighbouring: 'next', neighboring: 'next',
};
export const PREPOSITIONS: Record<string, 'in' | 'on' | 'to' | 'from' | 'of'> = {
  in: 'in', into: 'in', inside: 'in', within: 'in', on: 'on', onto: 'on', upon: 'on', atop: 'on', over: 'on',
  to: 'to', toward: 'to', towards: 'to', from: 'from', off: 'from', of: 'of', out: 'from',
};
/** Prepositions of motion: "pick up the cube on the plate" says where it is, "lift it onto the plate" where it goes. */
export const DIRECTIONAL = ['into', 'onto', 'to', 'toward', 'towards'];
export const PARTICLES: Record<string, 'up' | 'down' | 'shut' | 'open' | 'away'> = {
  up: 'up', down: 'down', shut: 'shut', closed: 'shut', open: 'open', opened: 'open', away: 'away', back: 'away',
};
export const PRONOUNS = ['it', 'them', 'that', 'this'];
/** "all the cubes": every cube standing on the table, one step each. */
export const ALL = ['all', 'every', 'each'];
/** Landmarks that are not goals: a mention of them is about where something is. */
export const LANDMARKS: Record<string, 'robot' | 'table' | 'cabinet'> = {
  robot: 'robot', arm: 'robot', base: 'robot', gripper: 'robot', table: 'table', desk: 'table', cupboard: 'cabinet',
};

/**
 * Multi-word expressions, read before single words. The value is the word (or words) they stand for.
 * "next to" is spatial, "after that" is a sequence word: the single words would mean something else.
 */
export const PHRASES: Array<[string, string]> = [
  ['on top of', 'on'], ['in to', 'into'], ['on to', 'onto'], ['inside of', 'in'], ['out of', 'from'],
  ['far left', 'leftmost'], ['far right', 'rightmost'], ['left most', 'leftmost'], ['right most', 'rightmost'],
  ['left hand', 'leftmost'], ['right hand', 'rightmost'], ['very left', 'leftmost'], ['very right', 'rightmost'],
  ['next to', 'beside'], ['close to', 'nearest'], ['closest to', 'nearest'], ['nearest to', 'nearest'],
  ['near to', 'nearest'], ['adjacent to', 'beside'], ['far from', 'farthest'], ['far away from', 'farthest'],
  ['furthest away from', 'farthest'], ['farthest away from', 'farthest'], ['most distant from', 'farthest'],
  ['after that', 'then'], ['after this', 'then'], ['after which', 'then'], ['and then', 'then'], ['once done', 'then'],
  ['when done', 'then'], ['when you are done', 'then'], ['once that is done', 'then'], ['to begin', 'first'],
  ['to start', 'first'], ['start by', 'first'], ['begin by', 'first'], ['to begin with', 'first'], ['at last', 'then'],
  ['in the end', 'then'], ['right now', 'now'], ['all right', 'ok'],
  // "can" alone is a thing the table lacks ("put the can in the bowl"); asking is not.
  ['can you', 'you'], ['can i', 'i'], ['can we', 'we'],
];

/**
 * Ordinals along an order: "the second cube from the left". Only before a cube word, "one" or a place
 * word ("the second nearest cube"); elsewhere "second" and "third" are sequence words, and "first" is one
 * unless it follows "the".
 */
export const ORDINALS: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4 };
/** "press the button twice"; "two times", "3 times" are read with TIMES. */
export const COUNT_WORDS: Record<string, number> = { twice: 2, thrice: 3 };
export const NUMBER_WORDS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
};
export const TIMES = ['times', 'time'];

/**
 * Common English words of three or four letters that WordNet does not list (function words and irregular
 * verb forms: it has only the base forms of nouns, verbs, adjectives and adverbs) and that are one edit
 * from a word here: never read as typos ("his" is not "hit", "our" not "out", "bred" not "red"). The
 * WordNet ones are in englishShort.json.
 */
export const SHORT_ENGLISH_WORDS = [
  'did', 'him', 'his', 'her', 'our', 'got', 'took', 'made', 'told', 'unto', 'cuz', 'has', 'had', 'who', 'why', 'she', 'they',
  'than', 'what', 'when', 'were', 'does', 'yes', 'bred', 'wove', 'hove',
];

/** Things people may ask for that this table does not have; named in the answer ("there is no ball"). */
export const ABSENT_THINGS = [
  'ball', 'sphere', 'cup', 'mug', 'glass', 'bottle', 'can', 'box', 'spoon', 'fork', 'knife', 'pen', 'pencil', 'apple',
  'banana', 'toy', 'lid', 'tray', 'shelf', 'door', 'window', 'fridge', 'microwave', 'oven', 'sink', 'towel', 'sponge',
  'book', 'phone', 'bag', 'basket', 'jar', 'pot', 'pan', 'cylinder', 'pyramid', 'cone', 'ring', 'coin', 'marker',
  'chair', 'bin', 'bucket', 'kettle', 'lemon', 'cherry', 'orange', 'peach', 'cloth', 'triangle', 'star', 'sphere',
  'egg', 'cookie', 'plant', 'vase', 'lamp', 'handle', 'knob', 'lever', 'switch', 'screw', 'key', 'remote', 'hammer',
];

/**
 * Words of other languages one edit from an English word here ("bleu" is French for blue, "platte" German
 * for plate): never corrected, so an instruction in another language is not run as if it were English.
 */
export const FOREIGN: Record<string, string> = {
  bleu: 'French for blue', bleue: 'French for blue', bleus: 'French for blue', blaue: 'German for blue',
  blauen: 'German for blue', blauer: 'German for blue', blaues: 'German for blue', gruen: 'German for green',
  gruene: 'German for green', groen: 'Dutch for green', grune: 'German for green', plato: 'Spanish for plate',
  platos: 'Spanish for plates', platte: 'German for plate', plats: 'French for plates', blocco: 'Italian for block',
  bloque: 'Spanish for block', bloco: 'Portuguese for block', cubos: 'Spanish for cubes',
  rouge: 'French for red', verte: 'French for green', jaune: 'French for yellow', gelbe: 'German for yellow',
  rojo: 'Spanish for red', verde: 'Spanish for green', azul: 'Spanish for blue', bouton: 'French for button',
  botón: 'Spanish for button', knopf: 'German for button', tiroir: 'French for drawer', schublade: 'German for drawer',
  cajón: 'Spanish for drawer', würfel: 'German for cube', schale: 'German for bowl', schüssel: 'German for bowl',
  cuenco: 'Spanish for bowl', ciotola: 'Italian for bowl', piatto: 'Italian for plate', assiette: 'French for plate',
  teller: 'German for plate', plaat: 'Dutch for plate', blauw: 'Dutch for blue', giallo: 'Italian for yellow',
  rosso: 'Italian for red', ouvre: 'French for open', ouvrir: 'French for open', ferme: 'French for close',
  fermer: 'French for close', mettre: 'French for put', poner: 'Spanish for put',
  drücke: 'German for press', appuie: 'French for press', pulsa: 'Spanish for press', stapel: 'German for stack',
  stapeln: 'German for stack', empile: 'French for stack', apila: 'Spanish for stack',
  // One edit from a short word here, now that short typos are corrected.
  blu: 'Italian for blue', cubo: 'Spanish for cube', bol: 'French for bowl', plat: 'French for dish', blok: 'Dutch for block',
  zet: 'Dutch for put', pak: 'Dutch for take', naar: 'Dutch for to', knop: 'Dutch for button', een: 'Dutch for a',
  legt: 'German for put', setz: 'German for put',
};
