// The robustness axes (LIBERO-Plus / LIBERO-PRO style): what each perturbs, at graded levels 1-3 (mild,
// moderate, strong). Every number an axis needs is drawn from the episode seed (src/sim/perturbations.ts
// plans them), so `seed + axis:level` is one episode. docs/robustness.md explains each level physically;
// the table below is the same text the CLI and the app show.

export const AXES = ['camera', 'robot_init', 'lighting', 'background', 'sensor_noise', 'layout', 'distractor', 'language', 'dynamics', 'push'] as const;
export type AxisName = (typeof AXES)[number];
export const LEVELS = [1, 2, 3] as const;
export type Level = (typeof LEVELS)[number];

export interface AxisSetting {
  axis: AxisName;
  level: Level;
}

/** What changes: the simulation (physics, layout, initial state), the policy's pixels only, or its words only. */
export type AxisKind = 'physics' | 'pixels' | 'words';

export interface AxisInfo {
  kind: AxisKind;
  what: string;
  levels: Record<Level, string>;
}

export const AXIS_INFO: Record<AxisName, AxisInfo> = {
  camera: {
    kind: 'pixels',
    what: 'front camera pose and field of view (the wrist camera is fixed to the hand)',
    levels: { 1: 'moved up to 1.5 cm and 1.4° per axis, field of view ±4%', 2: 'up to 3 cm and 2.6°, field of view ±8%', 3: 'up to 5 cm and 4°, field of view ±14%' },
  },
  robot_init: {
    kind: 'physics',
    what: 'the arm starts away from its home configuration (the first step gets 30 more control steps to get there)',
    levels: { 1: 'each joint offset up to ±0.06 rad', 2: 'up to ±0.12 rad', 3: 'up to ±0.2 rad' },
  },
  lighting: {
    kind: 'pixels',
    what: 'key light intensity and direction, ambient light, colour temperature',
    levels: {
      1: 'intensity ×0.8-1.2, direction ±23° azimuth, 5000-7500 K',
      2: 'intensity ×0.6-1.4, direction ±52° azimuth, 3800-9500 K',
      3: 'intensity ×0.4-1.6, direction ±86° azimuth, 2800-12000 K',
    },
  },
  background: {
    kind: 'pixels',
    what: 'table top and backdrop colours',
    levels: { 1: 'the wood tone ±15% brightness', 2: 'another muted colour (saturation ≤ 0.3)', 3: 'any colour, saturated or dark (saturation 0.3-0.7)' },
  },
  sensor_noise: {
    kind: 'pixels',
    what: 'image noise, blur and exposure on the policy cameras\' pixels',
    levels: { 1: 'Gaussian noise σ 3/255, exposure ×0.9-1.1', 2: 'σ 7/255, exposure ×0.8-1.25, light blur', 3: 'σ 12/255, exposure ×0.65-1.45, 3×3 blur' },
  },
  layout: {
    kind: 'physics',
    what: 'the objects start displaced from the sampled layout; from level 2 the target also moves mid-episode',
    levels: { 1: 'every object moved 1.5 cm', 2: 'moved 3 cm, and the target cube moved 3-5 cm once early in the episode', 3: 'moved 5 cm, and the target moved 5-7 cm' },
  },
  distractor: {
    kind: 'physics',
    what: 'cubes the instruction does not mention placed next to the target, one in a colour close to the target\'s',
    levels: { 1: 'one unused cube next to the target', 2: 'two unused cubes next to the target', 3: 'two unused cubes next to the target, the nearer one tinted towards the target\'s colour in the policy cameras' },
  },
  language: {
    kind: 'words',
    what: 'the instruction is reworded (the words the policy gets)',
    levels: { 1: 'another training wording (synonyms, frames)', 2: 'held-out wordings of the open grammar (src/language/render.ts)', 3: 'held-out wordings with a filler phrase and a typo' },
  },
  dynamics: {
    kind: 'physics',
    what: 'cube and fingertip sliding friction, cube mass',
    levels: { 1: 'friction ×0.7-0.85, mass ×1.2-1.4', 2: 'friction ×0.5-0.65, mass ×1.5-2', 3: 'friction ×0.3-0.45, mass ×2-3' },
  },
  push: {
    kind: 'physics',
    what: 'an external shove of the target cube for one control step mid-episode (like a person\'s drag)',
    levels: { 1: 'about 1-2 m/s² beyond friction', 2: '2-4 m/s²', 3: '4-7 m/s²' },
  },
};

/** The five perturbation names eval had before the axes, and the axis level each now means. */
export const ALIASES: Readonly<Record<string, AxisSetting>> = {
  shift: { axis: 'layout', level: 2 },
  push: { axis: 'push', level: 2 },
  distractor: { axis: 'distractor', level: 1 },
  friction: { axis: 'dynamics', level: 3 },
  camera: { axis: 'camera', level: 2 },
};

const isAxis = (s: string): s is AxisName => (AXES as readonly string[]).includes(s);

/**
 * Parse "camera:2,lighting:1" (a bare axis name means its alias level, or level 2). Throws an Error naming
 * the valid axes and levels; the same axis twice keeps the last level.
 */
export function parseAxes(list: string | null | undefined): AxisSetting[] {
  if (!list) return [];
  const out = new Map<AxisName, Level>();
  for (const raw of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, lvl, ...rest] = raw.split(':');
    if (rest.length) throw new Error(`perturbation "${raw}" is not axis:level. Valid axes: ${AXES.join(', ')}; levels 1, 2, 3`);
    const alias = lvl === undefined && Object.hasOwn(ALIASES, name) ? ALIASES[name] : null;
    if (!alias && !isAxis(name)) throw new Error(`unknown perturbation "${name}". Valid axes: ${AXES.join(', ')} (levels 1-3, e.g. camera:2); older names: ${Object.keys(ALIASES).join(', ')}`);
    let level: Level = alias?.level ?? 2;
    if (lvl !== undefined) {
      if (!/^[123]$/.test(lvl)) throw new Error(`level of "${name}" must be 1, 2 or 3, got "${lvl}"`);
      level = Number(lvl) as Level;
    }
    out.set(alias?.axis ?? (name as AxisName), level);
  }
  return [...out].map(([axis, level]) => ({ axis, level }));
}

/** "camera:2,lighting:1", the form links and reports carry; AXES order, so equal sets print equal. */
export function formatAxes(settings: readonly AxisSetting[]): string {
  return [...settings].sort((a, b) => AXES.indexOf(a.axis) - AXES.indexOf(b.axis)).map((s) => `${s.axis}:${s.level}`).join(',');
}

export function levelOf(settings: readonly AxisSetting[], axis: AxisName): Level | 0 {
  return settings.find((s) => s.axis === axis)?.level ?? 0;
}
