import { describe, expect, it } from 'vitest';
import { placeLabels, type Rect } from '../../src/components/boxLabels';

const overlaps = (a: Rect, b: Rect) => a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];

describe('placeLabels', () => {
  it('puts a label above its box, outside it, when there is room', () => {
    const [r] = placeLabels([[50, 60, 30, 20]], [40], 13, 224, 224);
    expect(r[1] + r[3]).toBeLessThanOrEqual(60);
    expect(overlaps(r, [50, 60, 30, 20])).toBe(false);
  });

  it('labels every box, even a large one whose spots all collide (the plate)', () => {
    // A crowded view: small cubes around and on a large plate, a box at the top edge.
    const boxes: Rect[] = [
      [60, 40, 100, 80], // plate
      [70, 30, 12, 12],
      [100, 28, 12, 12],
      [130, 30, 12, 12],
      [70, 121, 12, 12],
      [120, 121, 12, 12],
      [10, 0, 30, 20],
    ];
    const labels = placeLabels(boxes, [40, 50, 50, 50, 50, 50, 40], 13, 224, 224);
    expect(labels).toHaveLength(boxes.length);
    for (const l of labels) expect(l).toBeDefined();
  });

  it('keeps labels apart and inside the view', () => {
    const boxes: Rect[] = [
      [10, 30, 20, 20],
      [40, 30, 20, 20],
      [200, 210, 20, 14],
    ];
    const labels = placeLabels(boxes, [40, 40, 60], 13, 224, 224);
    expect(overlaps(labels[0], labels[1])).toBe(false);
    for (const l of labels) {
      expect(l[0]).toBeGreaterThanOrEqual(0);
      expect(l[0] + l[2]).toBeLessThanOrEqual(224);
      expect(l[1] + l[3]).toBeLessThanOrEqual(224);
    }
  });
});
