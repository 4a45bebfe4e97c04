import { useEffect, useRef } from 'react';
import { CAMERAS, type CameraName } from '../sim/vocab';
import type { Reasoning } from '../sim/reasoning';
import { useSession } from '../state/session/context';
import { useEpisodeStore } from '../state/episodeStore';
import { hasOutput, modelExtras } from '../policy/modelDecision';
import { usePolicyStore } from '../state/policyStore';
import { useUiStore } from '../state/uiStore';
import type { StepRecord } from '../workers/protocol';
import { AttentionInfo, AttentionScale } from './attentionLegend';
import { attentionView, drawHeatmap, drawKeypoints, headOptions } from './attentionView';
import { CAMERA_TITLE as TITLE, drawOverlay, putImage } from './cameraPaint';
import { FrameScheduler } from './frameScheduler';

// The two policy camera views: one draw scheduler for pixels from the sim worker, overlays, heatmaps and
// keypoints. The painters are in cameraPaint.ts (the compare pane paints with them too).

/** The expert's labels for a record, when the model is the one deciding and a person asked to compare. */
function groundTruth(view: StepRecord, show: boolean): Reasoning | null {
  return show && view.decision?.source === 'model' ? (view.expert?.reasoning ?? null) : null;
}

/** Which image-space overlays the model on screen cannot draw, in words (its points and boxes stay hidden). */
function MissingOverlays() {
  const info = usePolicyStore((s) => s.info);
  const view = useEpisodeStore((s) => s.view);
  const extras = modelExtras(view?.decision);
  const has = (g: 'points' | 'boxes') => (extras ? hasOutput(extras, g) : (info?.outputs?.[g] ?? true));
  const missing = [!has('points') && 'gripper points', !has('boxes') && 'object boxes'].filter(Boolean);
  if (!missing.length) return null;
  return (
    <p className="muted small" data-testid="overlay-note">
      this model has no {missing.join(' or ')} outputs; they are not drawn
    </p>
  );
}

function AttentionControls() {
  const info = usePolicyStore((s) => s.info);
  const show = useUiStore((s) => s.showAttention);
  const query = useUiStore((s) => s.attentionQuery);
  const head = useUiStore((s) => s.attentionHead);
  const setUi = useUiStore((s) => s.set);
  const view = useEpisodeStore((s) => s.view);
  const extras = modelExtras(view?.decision);
  const att = extras?.attention;
  // A model without an attention output (docs/byo-policy.md) says so in place of the selectors.
  if ((info && !info.attention) || (extras && !hasOutput(extras, 'attention'))) {
    return (
      <div className="attention-controls" data-testid="attention-controls">
        <span className="muted small" data-testid="no-attention">
          no attention output: this model does not say where it looked
        </span>
      </div>
    );
  }
  const queries = att?.queries ?? info?.attention?.queries ?? ['action'];
  const layers = att?.layers ?? info?.attention?.layers ?? 1;
  const heads = att?.heads ?? info?.attention?.heads ?? 1;
  const av = att && show ? attentionView(att, query, head) : null;
  return (
    <div className="attention-controls" data-testid="attention-controls">
      <label className="toggle" title="Where the model looked: cross-attention of the chosen query token over image patches and words">
        <input type="checkbox" data-testid="attention-toggle" checked={show} onChange={(e) => setUi({ showAttention: e.target.checked })} />
        attention
      </label>
      <label className="mini-field" title="The model's query token whose attention is shown (each output family reads its own query)">
        <span>query</span>
        <select data-testid="attention-query" value={query} disabled={!show} onChange={(e) => setUi({ attentionQuery: e.target.value })}>
          {queries.map((q) => (
            <option key={q} value={q}>
              {q.replace('_', ' ')}
            </option>
          ))}
        </select>
      </label>
      <label className="mini-field" title="One decoder layer and head, their mean, or the rollout over layers">
        <span>head</span>
        <select data-testid="attention-head" value={head} disabled={!show} onChange={(e) => setUi({ attentionHead: e.target.value })}>
          {headOptions(layers, heads).map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      {av && (
        <span
          className="attention-share muted"
          data-testid="attention-share"
          title={`Share of the "${query}" query's attention: front camera ${pct(av.share.front)}, wrist camera ${pct(av.share.wrist)}, instruction words ${pct(av.share.text)}, proprioception ${pct(av.share.proprio)}${keypointShare(av.share)}`}
        >
          proprio {pct(av.share.proprio)}
        </span>
      )}
      <AttentionInfo />
    </div>
  );
}

const pct = (x: number | undefined) => `${Math.round(100 * (x ?? 0))}%`;

function keypointShare(share: Record<string, number>): string {
  const kp = CAMERAS.filter((c) => share[`${c}_keypoints`] !== undefined);
  return kp.map((c) => `, ${c} keypoints ${pct(share[`${c}_keypoints`])}`).join('');
}

/** "attention 61%": how much of the chosen query's attention falls on this camera at the step on screen. */
function CameraCaption({ cam }: { cam: CameraName }) {
  const view = useEpisodeStore((s) => s.view);
  const show = useUiStore((s) => s.showAttention);
  const query = useUiStore((s) => s.attentionQuery);
  const head = useUiStore((s) => s.attentionHead);
  const att = modelExtras(view?.decision)?.attention;
  const shares = att && show ? attentionView(att, query, head)?.share : undefined;
  const share = shares?.[cam];
  // Models with spatial-softmax keypoints see each camera twice: as image tokens and as keypoint tokens.
  const keypoints = shares?.[`${cam}_keypoints`];
  return (
    <figcaption>
      {TITLE[cam]}
      {share !== undefined && (
        <span className="camera-share">
          {' '}
          · {pct(share + (keypoints ?? 0))} of attention
          {keypoints !== undefined && ` (keypoints ${pct(keypoints)})`}
        </span>
      )}
    </figcaption>
  );
}

export function CameraViews() {
  const controller = useSession();
  const pixelRefs = useRef<Record<string, HTMLCanvasElement | null>>({});
  const heatRefs = useRef<Record<string, HTMLCanvasElement | null>>({});
  const overlayRefs = useRef<Record<string, HTMLCanvasElement | null>>({});
  const scene = useEpisodeStore((s) => (s.boot === 'ready' ? controller.scene : null));
  const policy = useEpisodeStore((s) => s.policy);
  const showPoints = useUiStore((s) => s.showPoints);
  const showBoxes = useUiStore((s) => s.showBoxes);
  const setUi = useUiStore((s) => s.set);
  const res = scene?.cameras ?? [];

  useEffect(() => {
    if (!scene) return;
    let lastFrame: StepRecord['frame'] | null = null;
    // Pixels no policy needed are rendered by the sim worker on request, in the same thread as the control
    // loop: while running at most one request a second, so drawing never starves the loop.
    const pixels = new FrameScheduler({
      images: (rec) => controller.cameraImages(rec),
      draw: (rec, images) => {
        if (useEpisodeStore.getState().view?.frame !== rec.frame) return;
        for (const cam of CAMERAS) {
          const c = pixelRefs.current[cam];
          if (!c) continue;
          putImage(c, images[cam]);
          // Which step's pixels are on screen: tests wait on it.
          c.dataset.step = String(rec.step);
        }
      },
      gapMs: () => (useEpisodeStore.getState().playing ? 1000 : 0),
    });
    let lastDecision: StepRecord['decision'] | undefined;
    const draw = (force = false) => {
      const view = useEpisodeStore.getState().view;
      if (!view) return;
      if (force || view.frame !== lastFrame) {
        // Rendered in the sim worker: with the step where the model looked (its exact input), on request
        // otherwise. Only the pixels of the step still on screen are drawn when they arrive.
        lastFrame = view.frame;
        pixels.show(view);
      }
      if (force || view.decision !== lastDecision) {
        const ui = useUiStore.getState();
        const gt = groundTruth(view, ui.showGroundTruth);
        for (const cam of CAMERAS) {
          const c = overlayRefs.current[cam];
          if (c) drawOverlay(c, view.decision?.reasoning ?? null, gt, cam, { points: ui.showPoints, boxes: ui.showBoxes });
        }
        const att = modelExtras(view.decision)?.attention;
        const av = att && ui.showAttention ? attentionView(att, ui.attentionQuery, ui.attentionHead) : null;
        for (const cam of CAMERAS) {
          const c = heatRefs.current[cam];
          if (!c) continue;
          drawHeatmap(c, av?.images[cam] ?? null, av?.imageMax ?? 0);
          drawKeypoints(c, av?.keypoints[cam] ?? null, av?.keypointMax ?? 0);
          // Which step's attention is on screen: tests wait on it instead of guessing frame timing.
          c.dataset.step = av ? String(view.step) : '';
          c.dataset.choice = av ? `${ui.attentionQuery}/${ui.attentionHead}` : '';
        }
        lastDecision = view.decision;
      }
    };
    // At most one draw per animation frame, for the newest view only: records can arrive faster than the
    // screen refreshes at the fastest speed.
    let pending = 0;
    let forcePending = false;
    const schedule = (force = false) => {
      forcePending ||= force;
      if (pending) return;
      pending = requestAnimationFrame(() => {
        pending = 0;
        const f = forcePending;
        forcePending = false;
        draw(f);
      });
    };
    draw(true);
    const unsubView = useEpisodeStore.subscribe((s, prev) => {
      if (s.view !== prev.view) schedule();
    });
    const unsubUi = useUiStore.subscribe(() => schedule(true));
    const onResize = () => schedule(true);
    window.addEventListener('resize', onResize);
    return () => {
      cancelAnimationFrame(pending);
      pixels.stop();
      unsubView();
      unsubUi();
      window.removeEventListener('resize', onResize);
    };
  }, [scene, controller]);

  return (
    <section className="panel cameras" aria-label="Policy camera views">
      <div className="panel-head">
        <h2>Camera views</h2>
        <span className="muted small" title="Rendered offscreen at model resolution: the exact pixels a policy receives">
          {res[0] ? `${res[0].width}×${res[0].height} px policy input` : ''}
        </span>
        <div className="toggles">
          <label className="toggle" title="Gripper position now (filled) and the planned future points">
            <input type="checkbox" data-testid="points-toggle" checked={showPoints} onChange={(e) => setUi({ showPoints: e.target.checked })} />
            points
          </label>
          <label className="toggle" title="Visible objects with their 2D boxes">
            <input type="checkbox" data-testid="boxes-toggle" checked={showBoxes} onChange={(e) => setUi({ showBoxes: e.target.checked })} />
            boxes
          </label>
        </div>
      </div>
      {policy === 'model' && <MissingOverlays />}
      {policy === 'model' && <AttentionControls />}
      <div className="camera-grid">
        {CAMERAS.map((cam, i) => {
          const spec = res.find((c) => c.name === cam);
          return (
            <figure key={cam} className="camera" data-testid={`camera-${cam}`}>
              <div className="camera-frame">
                <canvas
                  className="camera-pixels"
                  width={spec?.width ?? 64}
                  height={spec?.height ?? 64}
                  ref={(el) => {
                    pixelRefs.current[cam] = el;
                  }}
                />
                <canvas
                  className="camera-heatmap"
                  data-testid={i === 0 ? 'attention-heatmap' : `attention-heatmap-${cam}`}
                  data-camera={cam}
                  aria-label={`${TITLE[cam]}: the model's attention`}
                  ref={(el) => {
                    heatRefs.current[cam] = el;
                  }}
                />
                <canvas
                  className="camera-overlay"
                  ref={(el) => {
                    overlayRefs.current[cam] = el;
                  }}
                />
              </div>
              <CameraCaption cam={cam} />
            </figure>
          );
        })}
      </div>
      {policy === 'model' && <AttentionScale />}
    </section>
  );
}
