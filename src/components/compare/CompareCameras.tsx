import { useEffect, useRef, useState } from 'react';
import type { CameraImages } from '../../engine/types';
import type { StoredEpisodeRenderer } from '../../state/history/storedEpisodeRenderer';
import { useUiStore } from '../../state/uiStore';
import { CAMERAS } from '../../sim/vocab';
import type { StepRecord } from '../../workers/protocol';
import { CAMERA_TITLE, drawOverlay, putImage } from '../cameraPaint';

// The compared episode's policy cameras at the shared cursor: its stored pixels, or rendered by its own
// simulator with its own perturbations (StoredEpisodeRenderer), with the policy's points and boxes as the
// main view's toggles ask. One render in flight at a time; only the step still wanted is drawn, so scrubbing
// fast never queues up a backlog in the worker.

interface Props {
  record: StepRecord;
  /** The policy cameras' sizes (the same for every task: one MJCF). */
  cameras: ReadonlyArray<{ name: string; width: number; height: number }>;
  renderer: StoredEpisodeRenderer | null;
  /** Why the episode's simulator could not start (its cameras cannot be rendered). */
  error: string | null;
}

export function CompareCameras({ record, cameras, renderer, error }: Props) {
  const pixels = useRef<Record<string, HTMLCanvasElement | null>>({});
  const overlays = useRef<Record<string, HTMLCanvasElement | null>>({});
  const wanted = useRef(record);
  const [failed, setFailed] = useState(false);
  const points = useUiStore((s) => s.showPoints);
  const boxes = useUiStore((s) => s.showBoxes);

  useEffect(() => {
    wanted.current = record;
  });

  // Pixels: asked once per record; a stored record has its own and needs no worker.
  const asking = useRef(false);
  useEffect(() => {
    if (!renderer && !record.images) return;
    const draw = (rec: StepRecord, images: CameraImages) => {
      for (const cam of CAMERAS) {
        const c = pixels.current[cam];
        if (!c) continue;
        putImage(c, images[cam]);
        // Which step's pixels are on screen: tests wait on it.
        c.dataset.step = String(rec.step);
      }
    };
    const ask = (rec: StepRecord) => {
      if (rec.images) return draw(rec, rec.images);
      if (!renderer || asking.current) return;
      asking.current = true;
      void renderer.images(rec).then((images) => {
        asking.current = false;
        setFailed(images === null);
        if (images && wanted.current === rec) draw(rec, images);
        // The cursor moved on while this one rendered: the step on screen now.
        else if (wanted.current !== rec) ask(wanted.current);
      });
    };
    ask(record);
  }, [record, renderer]);

  useEffect(() => {
    for (const cam of CAMERAS) {
      const c = overlays.current[cam];
      if (c) drawOverlay(c, record.decision?.reasoning ?? null, null, cam, { points, boxes });
    }
  }, [record, points, boxes]);

  const note = error ?? (failed ? 'Its camera views could not be rendered (its simulator stopped).' : !renderer && !record.images ? 'Starting its simulator for the camera views…' : null);
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
