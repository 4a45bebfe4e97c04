import { describe, expect, it } from 'vitest';
import { parseViewLink, viewParams } from '../../src/state/viewLink';
import { parseUrl } from '../../src/state/urlParams';

// The view's half of the link (src/state/viewLink.ts): step, overlays, attention and camera round-trip, and
// anything malformed is named and left at its default.

const ui = { showTrajectory: true, showPoints: false, showBoxes: true, showAttention: true, showGroundTruth: true, showPlots: false, attentionQuery: 'plan', attentionHead: 'L1H2' };

describe('view link', () => {
  it('round-trips step, overlays, attention and camera (camera to the millimetre)', () => {
    const q = viewParams({ step: 7, ui, camera: { position: [1.23456, -0.5, 0.9], target: [0.4, 0, 0.1] } });
    expect(q.toString()).toBe('step=7&overlays=trajectory%2Cboxes%2Cattention%2Cexpert&attn=plan%3AL1H2&cam=1.235%2C-0.5%2C0.9%2C0.4%2C0%2C0.1');
    const v = parseViewLink(q);
    expect(v.warnings).toEqual([]);
    expect(v.step).toBe(7);
    expect(v.overlays).toEqual({ showTrajectory: true, showPoints: false, showBoxes: true, showAttention: true, showGroundTruth: true, showPlots: false });
    expect(v.attention).toEqual({ query: 'plan', head: 'L1H2' });
    expect(v.camera).toEqual({ position: [1.235, -0.5, 0.9], target: [0.4, 0, 0.1] });
  });

  it('names what it cannot read and keeps the defaults', () => {
    const v = parseViewLink(new URLSearchParams('step=-3&overlays=boxes,xray&attn=<script>&cam=1,2,3'));
    expect(v.step).toBeNull();
    expect(v.overlays?.showBoxes).toBe(true);
    expect(v.attention).toBeNull();
    expect(v.camera).toBeNull();
    expect(v.warnings).toHaveLength(4);
    expect(parseViewLink(new URLSearchParams('cam=1,2,3,4,5,1e9')).camera).toBeNull();
  });

  it('is part of the app link', () => {
    const link = parseUrl('?task=object/red_to_bowl&seed=2&step=12&overlays=points');
    expect(link.view.step).toBe(12);
    expect(link.view.overlays?.showPoints).toBe(true);
    expect(link.view.overlays?.showTrajectory).toBe(false);
    expect(parseUrl('?task=object/red_to_bowl').view).toMatchObject({ step: null, overlays: null, camera: null });
  });
});
