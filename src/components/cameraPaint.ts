import type { Reasoning } from '../sim/reasoning';
import { objectLabel, type CameraName } from '../sim/vocab';
import { placeLabels, type Rect } from './boxLabels';
import { GRIPPER_COLOR, GT_COLOR, OBJECT_COLOR } from './overlayColors';

// Painting the policy cameras: a record's pixels, and the policy's image-space reasoning over them. Shared by
// the main camera views and the compare pane.

export const CAMERA_TITLE: Record<CameraName, string> = { front: 'Front camera', wrist: 'Wrist camera' };

export interface Layers {
  points: boolean;
  boxes: boolean;
}

function sizeCanvas(canvas: HTMLCanvasElement): CanvasRenderingContext2D | null {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const g = canvas.getContext('2d');
  if (!g) return null;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  return g;
}

/** The expert's labels, dashed and white: a reference to compare the solid predictions with. */
function drawGroundTruth(g: CanvasRenderingContext2D, gt: Reasoning, cam: CameraName, layers: Layers, w: number, h: number): void {
  g.save();
  g.lineWidth = 1.25;
  g.setLineDash([4, 3]);
  if (layers.boxes) {
    for (const b of gt.boxes[cam] ?? []) {
      const [u0, v0, u1, v1] = b.box;
      g.strokeStyle = OBJECT_COLOR[b.object] ?? GT_COLOR;
      g.globalAlpha = 0.9;
      g.strokeRect(u0 * w + 0.5, v0 * h + 0.5, (u1 - u0) * w, (v1 - v0) * h);
    }
  }
  if (layers.points) {
    const gp = gt.gripper[cam];
    g.globalAlpha = 0.95;
    g.strokeStyle = GT_COLOR;
    gp?.points.forEach(([u, v], i) => {
      if (!gp.visible[i]) return;
      g.setLineDash([]);
      g.beginPath();
      g.arc(u * w, v * h, i === 0 ? 5 : 3, 0, Math.PI * 2);
      g.stroke();
    });
  }
  g.restore();
}

/** Draw the policy's image-space reasoning (boxes, gripper point now and ahead) over one camera view. */
export function drawOverlay(canvas: HTMLCanvasElement, reasoning: Reasoning | null, gt: Reasoning | null, cam: CameraName, layers: Layers): void {
  const g = sizeCanvas(canvas);
  if (!g) return;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  if (gt) drawGroundTruth(g, gt, cam, layers, w, h);
  if (!reasoning) return;
  g.font = '600 10px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  g.textBaseline = 'middle';
  if (layers.boxes) {
    const boxes = reasoning.boxes[cam] ?? [];
    const rects = boxes.map((b): Rect => [b.box[0] * w, b.box[1] * h, (b.box[2] - b.box[0]) * w, (b.box[3] - b.box[1]) * h]);
    // A confident box needs no number; an unsure one says how unsure.
    const labels = boxes.map((b) => (b.score !== undefined && b.score < 0.9 ? `${objectLabel(b.object)} ${Math.round(100 * b.score)}%` : objectLabel(b.object)));
    const lh = 13;
    const spots = placeLabels(rects, labels.map((l) => g.measureText(l).width + 8), lh, w, h);
    g.lineWidth = 1.5;
    g.setLineDash([]);
    boxes.forEach((b, i) => {
      const [x, y, bw, bh] = rects[i];
      g.strokeStyle = OBJECT_COLOR[b.object] ?? '#fff';
      g.strokeRect(x + 0.5, y + 0.5, bw, bh);
    });
    // Labels after all boxes: a later box's outline must not cross an earlier label.
    boxes.forEach((b, i) => {
      const spot = spots[i];
      g.fillStyle = 'rgba(12, 14, 19, 0.8)';
      g.fillRect(spot[0], spot[1], spot[2], spot[3]);
      g.fillStyle = OBJECT_COLOR[b.object] ?? '#fff';
      g.fillText(labels[i], spot[0] + 4, spot[1] + lh / 2 + 0.5);
    });
  }
  if (layers.points) {
    const gp = reasoning.gripper[cam];
    if (gp && gp.points.length > 0) {
      const pts = gp.points.map(([u, v]) => [u * w, v * h] as const);
      g.strokeStyle = GRIPPER_COLOR;
      g.lineWidth = 1.5;
      g.setLineDash([4, 3]);
      g.beginPath();
      pts.forEach(([x, y], i) => (i === 0 ? g.moveTo(x, y) : g.lineTo(x, y)));
      g.stroke();
      g.setLineDash([]);
      for (let i = pts.length - 1; i >= 1; i--) {
        if (!gp.visible[i]) continue;
        const [x, y] = pts[i];
        g.globalAlpha = 1 - (0.5 * i) / pts.length;
        g.beginPath();
        g.arc(x, y, 3.5, 0, Math.PI * 2);
        g.fillStyle = 'rgba(12, 14, 19, 0.6)';
        g.fill();
        g.strokeStyle = GRIPPER_COLOR;
        g.stroke();
      }
      g.globalAlpha = 1;
      if (gp.visible[0]) {
        const [x, y] = pts[0];
        g.beginPath();
        g.arc(x, y, 5.5, 0, Math.PI * 2);
        g.fillStyle = GRIPPER_COLOR;
        g.fill();
        g.lineWidth = 2;
        g.strokeStyle = '#fff';
        g.stroke();
      }
    }
  }
}

export function putImage(canvas: HTMLCanvasElement, rgb: Uint8Array): void {
  const w = canvas.width, h = canvas.height;
  const g = canvas.getContext('2d');
  if (!g || rgb.length !== w * h * 3) return;
  const img = g.createImageData(w, h);
  for (let i = 0, j = 0; i < w * h; i++) {
    img.data[j++] = rgb[3 * i];
    img.data[j++] = rgb[3 * i + 1];
    img.data[j++] = rgb[3 * i + 2];
    img.data[j++] = 255;
  }
  g.putImageData(img, 0, 0);
}
