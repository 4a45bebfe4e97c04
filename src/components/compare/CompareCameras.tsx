import { useEffect, useRef, useState } from 'react';
import type { StoredEpisodeRenderer } from '../../state/history/storedEpisodeRenderer';
import { useUiStore } from '../../state/uiStore';
import { CAMERAS } from '../../sim/vocab';
import type { StepRecord } from '../../workers/protocol';
import { CAMERA_TITLE, drawOverlay, putImage } from '../cameraPaint';
import { FrameScheduler } from '../frameScheduler';

// The compared episode's policy cameras at the shared cursor: its stored pixels, or rendered by its own
// simulator with its own perturbations (StoredEpisodeRenderer), with the policy's points and boxes as the
// main view's toggles ask, drawn by the main view's scheduler (src/components/frameScheduler.ts).

interface Props {
  record: StepRecord;
  /** The policy cameras' sizes (the same for every task: one MJCF). */
  cameras: ReadonlyArray<{ name: string; width: number; height: number }>;
  renderer: StoredEpisodeRenderer | null;
  /** Why the episode's simulator could not start (its cameras cannot be rendered). */
  error: string | null;
}

/** Why a render came back empty: a worker without WebGL says why; otherwise it stopped, or this frame failed. */
function failure(renderer: StoredEpisodeRenderer | null): string {
  if (renderer?.cameraError) return `Its camera views cannot be rendered: ${renderer.cameraError}.`;
  return renderer && !renderer.alive ? 'Its camera views could not be rendered (its simulator stopped).' : 'This step’s camera views could not be rendered.';
}

export function CompareCameras({ record, cameras, renderer, error }: Props) {
  const pixels = useRef<Record<string, HTMLCanvasElement | null>>({});
  const overlays = useRef<Record<string, HTMLCanvasElement | null>>({});
  const scheduler = useRef<FrameScheduler | null>(null);
  const [failed, setFailed] = useState(false);
  const points = useUiStore((s) => s.showPoints);
  const boxes = useUiStore((s) => s.showBoxes);

  // Made before the effect below asks it for the record: effects run in order.
  useEffect(() => {
    const s = new FrameScheduler({
      images: (rec) => renderer?.images(rec) ?? Promise.resolve(null),
      draw: (rec, images) => {
        for (const cam of CAMERAS) {
          const c = pixels.current[cam];
          if (!c) continue;
          putImage(c, images[cam]);
          // Which step's pixels are on screen: tests wait on it.
          c.dataset.step = String(rec.step);
        }
      },
      rendered: (_rec, ok) => setFailed(!ok),
    });
    scheduler.current = s;
    return () => s.stop();
  }, [renderer]);

  // Pixels: a stored record has its own and needs no worker; the others wait for the episode's simulator.
  useEffect(() => {
    if (renderer || record.images) scheduler.current?.show(record);
  }, [record, renderer]);

  useEffect(() => {
    for (const cam of CAMERAS) {
      const c = overlays.current[cam];
      if (c) drawOverlay(c, record.decision?.reasoning ?? null, null, cam, { points, boxes });
    }
  }, [record, points, boxes]);

  const note = error ?? (failed ? failure(renderer) : !renderer && !record.images ? 'Starting its simulator for the camera views…' : null);
  return (
    <div className="compare-cameras" aria-label="The compared episode's policy cameras">
      {CAMERAS.map((cam) => {
        const spec = cameras.find((c) => c.name === cam);
        return (
          <figure key={cam} className="camera compare-camera" data-testid={`compare-camera-${cam}`}>
            <div className="camera-frame">
              <canvas className="camera-pixels" width={spec?.width ?? 64} height={spec?.height ?? 64} ref={(el) => void (pixels.current[cam] = el)} />
              <canvas className="camera-overlay" ref={(el) => void (overlays.current[cam] = el)} />
            </div>
            <figcaption>{CAMERA_TITLE[cam]}</figcaption>
          </figure>
        );
      })}
      {note && (
        <p className={`compare-note${error || failed ? ' error' : ''}`} role={error || failed ? 'alert' : undefined} data-testid="compare-camera-note">
          {note}
        </p>
      )}
    </div>
  );
}
