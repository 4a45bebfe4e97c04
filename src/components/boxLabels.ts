// Where each object box's name goes in a camera view. The views are small (64 px images at ~224 px), so a
// label easily covers the object it names or a neighbour. Every box gets a label (a box without one left
// people guessing which object it was; the plate, the largest box, lost that race last): each candidate
// spot is scored, and the least bad one is taken instead of giving up when all of them collide.

export type Rect = [x: number, y: number, w: number, h: number];

function overlapArea(a: Rect, b: Rect): number {
  const dx = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const dy = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  return dx > 0 && dy > 0 ? dx * dy : 0;
}

/**
 * Label rectangles for `boxes` (pixel rects), in the same order. `widths` are the labels' widths; `lh` their
 * height; `w`×`h` the view. Preference: outside the box, above it, not over another label, not over
 * another object, in that order of weight.
 */
export function placeLabels(boxes: Rect[], widths: number[], lh: number, w: number, h: number): Rect[] {
  const out: Rect[] = new Array<Rect>(boxes.length);
  const placed: Rect[] = [];
  // Small boxes first: their labels matter most and have the fewest places to go.
  const order = boxes.map((_, i) => i).sort((a, b) => boxes[a][2] * boxes[a][3] - boxes[b][2] * boxes[b][3]);
  for (const i of order) {
    const [x, y, bw, bh] = boxes[i];
    const tw = Math.min(widths[i], w);
    const fit = (lx: number, ly: number): Rect => [Math.min(Math.max(0, lx), w - tw), Math.min(Math.max(0, ly), h - lh), tw, lh];
    const spots = [
      fit(x, y - lh - 1), // above, left-aligned
      fit(x + bw - tw, y - lh - 1), // above, right-aligned
      fit(x, y + bh + 1), // below
      fit(x + bw - tw, y + bh + 1),
      fit(x + bw + 2, y + bh / 2 - lh / 2), // to the right
      fit(x - tw - 2, y + bh / 2 - lh / 2), // to the left
      fit(x + 1, y + 1), // inside, the last resort
    ];
    let best = spots[0];
    let bestCost = Infinity;
    spots.forEach((r, k) => {
      const area = r[2] * r[3];
      let cost = k * 0.01;
      for (const q of placed) cost += (100 * overlapArea(r, q)) / area;
      cost += (10 * overlapArea(r, boxes[i])) / area;
      boxes.forEach((b, j) => {
        if (j !== i) cost += (3 * overlapArea(r, b)) / area;
      });
      if (cost < bestCost) [best, bestCost] = [r, cost];
    });
    out[i] = best;
    placed.push(best);
  }
  return out;
}
