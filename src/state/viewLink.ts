import type { UiState } from './uiStore';

// What a link says about the view, beside the episode it reproduces (docs/architecture.md, URL parameters):
// the step the cursor is on (`step`), the overlays shown (`overlays`), the attention selection (`attn`) and
// the 3D camera (`cam`). The episode parameters make the same episode; these make the same screen.

export type Overlays = Pick<UiState, 'showTrajectory' | 'showPoints' | 'showBoxes' | 'showAttention' | 'showGroundTruth' | 'showPlots'>;

/** Short names in the link, in this order. */
const OVERLAY_NAMES: ReadonlyArray<[string, keyof Overlays]> = [
  ['trajectory', 'showTrajectory'],
  ['points', 'showPoints'],
  ['boxes', 'showBoxes'],
  ['attention', 'showAttention'],
  ['expert', 'showGroundTruth'],
  ['plots', 'showPlots'],
];

export interface CameraPose {
  position: [number, number, number];
  target: [number, number, number];
}

export interface ViewLink {
  step: number | null;
  overlays: Overlays | null;
  attention: { query: string; head: string } | null;
  camera: CameraPose | null;
  warnings: string[];
}

const MAX_STEP = 100_000;
/** The camera's reach in metres around the table: a pose outside it is a typo or an attack on the view. */
const MAX_COORD = 10;

export function parseViewLink(q: URLSearchParams): ViewLink {
  const warnings: string[] = [];
  let step: number | null = null;
  const stepRaw = q.get('step');
  if (stepRaw !== null) {
    const n = Number(stepRaw);
    if (Number.isInteger(n) && n >= 0 && n <= MAX_STEP) step = n;
    else warnings.push(`step "${stepRaw.slice(0, 20)}" in the link is not a whole number from 0 to ${MAX_STEP}; the episode opens at its start`);
  }
  let overlays: Overlays | null = null;
  const ov = q.get('overlays');
  if (ov !== null) {
    const on = new Set(ov.split(',').map((s) => s.trim()).filter(Boolean));
    const unknown = [...on].filter((n) => !OVERLAY_NAMES.some(([k]) => k === n));
    if (unknown.length) warnings.push(`unknown overlay${unknown.length > 1 ? 's' : ''} "${unknown.join(', ').slice(0, 60)}" in the link; known: ${OVERLAY_NAMES.map(([k]) => k).join(', ')}`);
    overlays = Object.fromEntries(OVERLAY_NAMES.map(([name, key]) => [key, on.has(name)])) as unknown as Overlays;
  }
  let attention: ViewLink['attention'] = null;
  const at = q.get('attn');
  if (at !== null) {
    const m = /^([a-z_]{1,24}):(mean|rollout|L\d{1,2}H\d{1,2})$/.exec(at);
    if (m) attention = { query: m[1], head: m[2] };
    else warnings.push(`attention "${at.slice(0, 40)}" in the link is not <query>:<mean|rollout|L<l>H<h>>; the default is shown`);
  }
  let camera: CameraPose | null = null;
  const cam = q.get('cam');
  if (cam !== null) {
    const v = cam.split(',').map(Number);
    if (v.length === 6 && v.every((x) => Number.isFinite(x) && Math.abs(x) <= MAX_COORD)) {
      camera = { position: [v[0], v[1], v[2]], target: [v[3], v[4], v[5]] };
    } else warnings.push(`camera "${cam.slice(0, 60)}" in the link is not six numbers (position x,y,z then target x,y,z, in metres); the default view is used`);
  }
  return { step, overlays, attention, camera, warnings };
}

const mm = (x: number) => String(Math.round(x * 1000) / 1000);

/** The view's link parameters, appended to the episode's query. */
export function viewParams(v: { step: number | null; ui: Overlays & Pick<UiState, 'attentionQuery' | 'attentionHead'>; camera: CameraPose | null }): URLSearchParams {
  const q = new URLSearchParams();
  if (v.step !== null) q.set('step', String(v.step));
  q.set('overlays', OVERLAY_NAMES.filter(([, key]) => v.ui[key]).map(([name]) => name).join(','));
  q.set('attn', `${v.ui.attentionQuery}:${v.ui.attentionHead}`);
  if (v.camera) q.set('cam', [...v.camera.position, ...v.camera.target].map(mm).join(','));
  return q;
}
