// Slightly over ~400 lines: the 3D view's small parts (bodies, drag spring, trajectories, projector) share
// one canvas and its frame scheduler; each is a few dozen lines.

import { Environment, Lightformer, Line, OrbitControls } from '@react-three/drei';
import { Canvas, events, useFrame, useThree, type ThreeEvent } from '@react-three/fiber';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import * as THREE from 'three';
import type { Line2 } from 'three-stdlib';
import type { Vec3 } from '../sim/math';
import { buildScene, type SceneModel } from '../render/buildScene';
import { useSession } from '../state/session/context';
import { displayStatus, useEpisodeStore } from '../state/episodeStore';
import { useUiStore } from '../state/uiStore';
import { modelExtras } from '../policy/modelDecision';
import { MAX_DROT } from '../sim/env';
import { CameraLink } from './CameraLink';
import { GhostGripper } from './GhostGripper';
import { GhostPathPoints, ghostPointsFirst } from './GhostPathPoints';
import { GRIPPER_COLOR, GT_COLOR, PLAN_COLOR, TRAIL_COLOR } from './overlayColors';
import { renderQuality, type RenderQuality } from './renderQuality';
import { BACKGROUND, FLOOR_COLOR, VIEW_POSITION, VIEW_TARGET } from './viewDefaults';

// The main 3D view. MuJoCo's world is z-up and is drawn as is (camera.up = +z). Body poses come from the
// controller's interpolator every frame; the planned path, the executed trail and the drag spring are drawn
// on top. Nothing here steps physics.

function Lighting({ quality }: { quality: RenderQuality }) {
  const key = useRef<THREE.DirectionalLight>(null);
  const high = quality === 'high';
  useEffect(() => {
    const l = key.current;
    if (!l) return;
    l.target.position.set(0.35, 0, 0);
    l.target.updateMatrixWorld();
    const c = l.shadow.camera;
    c.left = -0.9;
    c.right = 0.9;
    c.top = 0.9;
    c.bottom = -0.9;
    c.near = 0.2;
    c.far = 5;
    c.updateProjectionMatrix();
  }, []);
  return (
    <>
      <hemisphereLight args={['#e8eeff', '#40372e', high ? 1.1 : 1.5]} position={[0, 0, 1]} />
      <directionalLight
        ref={key}
        position={[1.4, -1.0, 2.2]}
        intensity={2.4}
        castShadow
        shadow-mapSize={high ? [2048, 2048] : [1024, 1024]}
        shadow-bias={-0.0004}
        shadow-normalBias={0.015}
        shadow-radius={high ? 6 : 1}
        shadow-blurSamples={high ? 12 : 1}
      />
      <directionalLight position={[-0.6, 1.2, 1.0]} intensity={0.45} color="#cfdcff" />
      {high && (
        <Environment resolution={64} environmentIntensity={0.35}>
          <Lightformer form="rect" intensity={3} position={[0.4, 0, 2.5]} scale={[3, 2, 1]} rotation-x={Math.PI} />
          <Lightformer form="rect" intensity={1.2} position={[2.5, -1, 1]} scale={[2, 1, 1]} onUpdate={(self) => self.lookAt(0.4, 0, 0)} />
          <Lightformer form="ring" intensity={0.8} color="#9fb8ff" position={[-1.5, 1.5, 1.2]} scale={1.2} onUpdate={(self) => self.lookAt(0.4, 0, 0)} />
        </Environment>
      )}
      <fog attach="fog" args={[BACKGROUND, 4, 9]} />
    </>
  );
}

/**
 * Asks for redraws of the on-demand loop, at most `maxFps` a second. On a software rasteriser a frame
 * costs hundreds of milliseconds on every core, so uncapped redraws would starve the sim worker.
 */
class FrameScheduler {
  private last = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  constructor(private readonly maxFps: number) {}

  rendered(now: number): void {
    this.last = now;
  }

  request(invalidate: () => void): void {
    if (!Number.isFinite(this.maxFps)) {
      invalidate();
      return;
    }
    if (this.timer !== null) return;
    const wait = Math.max(0, this.last + 1000 / this.maxFps - performance.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      invalidate();
    }, wait);
  }
}

interface BodiesProps {
  quality: RenderQuality;
  frames: FrameScheduler;
  onModel(model: SceneModel | null): void;
}

/** The MuJoCo bodies, posed every frame from the interpolator; pointer down on an object starts a drag. */
function Bodies({ quality, frames, onModel }: BodiesProps) {
  const controller = useSession();
  const scene = controller.scene;
  const model = useMemo(() => (scene ? buildScene(scene, { detail: quality, shadows: true }) : null), [scene, quality]);
  // Read through get(): the renderer, camera and controls are external objects these handlers change.
  const get = useThree((s) => s.get);

  useEffect(() => {
    // The MJCF floor is a light grey far below the table; in this dark view it reads as a dark stage floor.
    const floor = model?.meshByName('floor');
    if (floor) (floor.material as THREE.MeshStandardMaterial).color.set(FLOOR_COLOR);
    onModel(model);
    return () => {
      onModel(null);
      model?.dispose();
    };
  }, [model, onModel]);

  useFrame((state) => {
    const now = performance.now();
    frames.rendered(now);
    const pose = controller.interp.sample(now);
    if (model && pose) model.applyPoses(pose);
    // The view renders on demand: keep drawing while poses are still moving towards the latest frame.
    if (controller.interp.animating || controller.drag) frames.request(state.invalidate);
  });

  if (!model) return null;

  const onPointerDown = (e: ThreeEvent<PointerEvent>) => {
    if (e.button !== 0) return;
    const geom = (e.object.userData as { geom?: { body: number } }).geom;
    const info = useEpisodeStore.getState().info;
    if (!geom || !info?.draggable.some((d) => d.body === geom.body)) return;
    e.stopPropagation();
    const body = model.bodies[geom.body];
    body.updateMatrixWorld();
    const hit = e.point.clone();
    const local = body.worldToLocal(hit.clone());
    const plane = new THREE.Plane(new THREE.Vector3(0, 0, 1), -hit.z);
    const ray = new THREE.Raycaster();
    const ndc = new THREE.Vector2();
    const point = new THREE.Vector3();
    const { camera, gl, controls } = get();
    const orbit = controls as unknown as { enabled: boolean } | null;
    if (orbit) orbit.enabled = false;
    gl.domElement.style.cursor = 'grabbing';
    controller.beginDrag({ body: geom.body, anchor: [local.x, local.y, local.z], target: [hit.x, hit.y, hit.z] });
    const move = (ev: PointerEvent) => {
      const r = gl.domElement.getBoundingClientRect();
      ndc.set(((ev.clientX - r.left) / r.width) * 2 - 1, -((ev.clientY - r.top) / r.height) * 2 + 1);
      ray.setFromCamera(ndc, camera);
      if (ray.ray.intersectPlane(plane, point)) {
        // Keep the target over the table: a stray pointer near the horizon must not fling the object away.
        const x = THREE.MathUtils.clamp(point.x, -0.2, 0.95);
        const y = THREE.MathUtils.clamp(point.y, -0.55, 0.55);
        controller.moveDrag([x, y, point.z]);
      }
    };
    const up = () => {
      controller.endDrag();
      if (orbit) orbit.enabled = true;
      gl.domElement.style.cursor = '';
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      window.removeEventListener('pointercancel', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
    window.addEventListener('pointercancel', up);
  };

  const onPointerOver = (e: ThreeEvent<PointerEvent>) => {
    const geom = (e.object.userData as { geom?: { body: number } }).geom;
    const draggable = !!geom && !!useEpisodeStore.getState().info?.draggable.some((d) => d.body === geom.body);
    if (draggable && !controller.drag) get().gl.domElement.style.cursor = 'grab';
  };
  const onPointerOut = () => {
    if (!controller.drag) get().gl.domElement.style.cursor = '';
  };

  return <primitive object={model.group} onPointerDown={onPointerDown} onPointerOver={onPointerOver} onPointerOut={onPointerOut} />;
}

const SPRING_INIT: Vec3[] = [[0, 0, 0], [0, 0, 0.001]];

/** A spring from the grab point to the pointer while a person drags an object. */
function DragSpring({ model }: { model: SceneModel | null }) {
  const controller = useSession();
  const line = useRef<Line2>(null);
  const handle = useRef<THREE.Mesh>(null);
  const anchor = useMemo(() => new THREE.Vector3(), []);
  useFrame(() => {
    const d = controller.drag;
    const visible = !!d && !!model;
    if (line.current) line.current.visible = visible;
    if (handle.current) handle.current.visible = visible;
    if (!d || !model || !line.current) return;
    const body = model.bodies[d.body];
    body.updateMatrixWorld();
    const p = anchor.set(d.anchor[0], d.anchor[1], d.anchor[2]).applyMatrix4(body.matrixWorld);
    line.current.geometry.setPositions([p.x, p.y, p.z, d.target[0], d.target[1], d.target[2]]);
    line.current.computeLineDistances();
    handle.current?.position.set(d.target[0], d.target[1], d.target[2]);
  });
  return (
    <>
      {/* No `visible` prop here: drei passes extra props to the material too, and a hidden material stays hidden. */}
      <Line ref={line} points={SPRING_INIT} color="#ffffff" lineWidth={2} dashed dashSize={0.01} gapSize={0.006} depthTest={false} renderOrder={10} />
      <mesh ref={handle} renderOrder={11} visible={false}>
        <sphereGeometry args={[0.008, 16, 12]} />
        <meshBasicMaterial color="#ffffff" depthTest={false} transparent />
      </mesh>
    </>
  );
}

/** Where the commanded gripper changes along a planned path: a ring at the point where it opens or closes. */
function gripperEvents(actions: number[][], path: Vec3[], prev: number): Array<{ at: Vec3; close: boolean }> {
  const events: Array<{ at: Vec3; close: boolean }> = [];
  actions.forEach((a, k) => {
    if (k < path.length && Math.sign(a[6]) !== Math.sign(prev) && a[6] !== 0) events.push({ at: path[k], close: a[6] > 0 });
    prev = a[6];
  });
  return events;
}

/** Yaw change over a chunk as the controller will execute it (per-step rotations are clamped). */
function chunkYaw(actions: number[][]): number {
  return actions.reduce((s, a) => s + (Number.isFinite(a[5]) ? Math.max(-MAX_DROT, Math.min(MAX_DROT, a[5])) : 0), 0);
}

/**
 * The plan about to execute (ghost path with gripper events and a ghost gripper where it ends), the
 * expert's path for the same state when a person compares, and the path already executed.
 */
function Trajectories() {
  const controller = useSession();
  const show = useUiStore((s) => s.showTrajectory);
  const showGt = useUiStore((s) => s.showGroundTruth);
  const view = useEpisodeStore((s) => s.view);
  const recordCount = useEpisodeStore((s) => s.recordCount);
  const trail = useMemo(() => {
    if (!view) return [];
    void recordCount;
    return controller.records.slice(0, view.step + 1).map((r) => r.tcp);
  }, [view, recordCount, controller]);
  if (!show || !view) return null;
  const d = view.decision;
  const isModel = !!modelExtras(d);
  const plan: Vec3[] = d ? [view.tcp, ...d.path] : [];
  const prevGrip = view.action ? view.action[6] : view.gripperWidth > 0.03 ? -1 : 1;
  const events = d ? gripperEvents(d.actions, d.path, prevGrip) : [];
  const gt = isModel && showGt ? view.expert : null;
  const gtPath: Vec3[] = gt ? [view.tcp, ...gt.path] : [];
  const end = plan.length > 1 ? plan[plan.length - 1] : null;
  const lastGrip = d && d.actions.length ? d.actions[Math.min(d.actions.length, d.path.length) - 1][6] : -1;
  return (
    <group>
      {trail.length > 1 && <Line points={trail} color={TRAIL_COLOR} lineWidth={2.5} transparent opacity={0.9} />}
      {gtPath.length > 1 && (
        <>
          <Line points={gtPath} color={GT_COLOR} lineWidth={2} dashed dashSize={0.006} gapSize={0.006} depthTest={false} renderOrder={4} transparent opacity={0.85} />
          <mesh position={gtPath[gtPath.length - 1]} renderOrder={4}>
            <sphereGeometry args={[0.007, 12, 8]} />
            <meshBasicMaterial color={GT_COLOR} depthTest={false} transparent opacity={0.8} wireframe />
          </mesh>
        </>
      )}
      {plan.length > 1 && (
        <>
          <Line points={plan} color={PLAN_COLOR} lineWidth={4} dashed dashSize={0.012} gapSize={0.006} depthTest={false} renderOrder={5} />
          <GhostPathPoints path={d!.path} step={view.step} />
        </>
      )}
      {events.map((e, i) => (
        <mesh key={`e${i}`} position={e.at} renderOrder={7}>
          <torusGeometry args={[0.014, 0.0028, 8, 24]} />
          <meshBasicMaterial color={e.close ? GRIPPER_COLOR : '#4cd17a'} depthTest={false} transparent />
        </mesh>
      ))}
      {end && d && (
        <GhostGripper
          frame={view.frame}
          end={end}
          yaw={chunkYaw(d.actions.slice(0, d.path.length))}
          closed={lastGrip > 0}
        />
      )}
    </group>
  );
}

function OutcomeBanner() {
  const live = useEpisodeStore((s) => s.live);
  const run = useEpisodeStore((s) => s.run);
  const crash = useEpisodeStore((s) => s.crash);
  const replaying = useEpisodeStore((s) => s.cursor !== null);
  const status = displayStatus({ live, run, crash });
  // While a past step is on screen the banner would describe a different moment; the status pill keeps it.
  if (replaying || (status !== 'success' && status !== 'failure')) return null;
  return (
    <div className={`banner banner-${status}`} data-testid="outcome-banner" role="status">
      <strong>{status === 'success' ? '✓ Success' : '✕ Failure'}</strong>
      <span>{status === 'success' ? `the task was achieved in ${live?.step} steps` : (crash ?? live?.outcome.reason ?? '')}</span>
    </div>
  );
}

function TrajectoryToggle() {
  const show = useUiStore((s) => s.showTrajectory);
  const set = useUiStore((s) => s.set);
  return (
    <label className="stage-toggle" title="Show the planned path (blue, before it executes) and the executed path (orange)">
      <input type="checkbox" data-testid="trajectory-toggle" checked={show} onChange={(e) => set({ showTrajectory: e.target.checked })} />
      <span>Trajectory</span>
      <span className="legend plan" /> plan
      <span className="legend trail" /> executed
      <span className="legend gt" /> expert
    </label>
  );
}

/** Redraw when a new step arrives, the timeline moves or a view option changes (the loop is on demand). */
function Invalidator({ frames }: { frames: FrameScheduler }) {
  const controller = useSession();
  const invalidate = useThree((s) => s.invalidate);
  useEffect(() => {
    const redraw = () => frames.request(invalidate);
    const a = useEpisodeStore.subscribe((s, p) => {
      if (s.view !== p.view || s.live !== p.live) redraw();
    });
    const b = useUiStore.subscribe(redraw);
    const c = controller.subscribe(redraw);
    return () => {
      a();
      b();
      c();
    };
  }, [invalidate, frames, controller]);
  return null;
}

/** Lets code outside the canvas ask where a world point is on screen (tests, tooltips). */
function ScreenProjector() {
  const controller = useSession();
  const get = useThree((s) => s.get);
  useEffect(() => {
    const v = new THREE.Vector3();
    controller.setScreenProjector((p: Vec3) => {
      const { camera, gl } = get();
      const r = gl.domElement.getBoundingClientRect();
      v.set(p[0], p[1], p[2]).project(camera);
      return [r.left + ((v.x + 1) / 2) * r.width, r.top + ((1 - v.y) / 2) * r.height];
    });
    return () => controller.setScreenProjector(null);
  }, [get, controller]);
  return null;
}

/** Dragging while paused does nothing yet: say so instead of leaving a person wondering. */
function DragPausedHint() {
  const controller = useSession();
  const dragging = useSyncExternalStore(
    (fn) => controller.subscribe(fn),
    () => controller.drag !== null,
  );
  const playing = useEpisodeStore((s) => s.playing);
  if (!dragging || playing) return null;
  return <div className="stage-hint drag-paused">Paused — the spring pulls once the episode runs (Run, or Step)</div>;
}

export function SceneView() {
  const ready = useEpisodeStore((s) => s.boot === 'ready');
  const [model, setModel] = useState<SceneModel | null>(null);
  const quality = renderQuality();
  const [frames] = useState(() => new FrameScheduler(quality === 'high' ? Infinity : 12));
  return (
    <div className="scene-view" data-testid="scene-view" data-quality={quality}>
      {ready && (
        <Canvas
          frameloop="demand"
          shadows={{ enabled: true, type: THREE.PCFShadowMap }}
          dpr={quality === 'high' ? [1, 2] : 1}
          camera={{ position: VIEW_POSITION, up: [0, 0, 1], fov: 38, near: 0.01, far: 30 }}
          events={(store) => ({ ...events(store), filter: (hits) => ghostPointsFirst(hits) })}
          gl={{ antialias: quality === 'high', preserveDrawingBuffer: true }}
          onCreated={({ camera, gl }) => {
            camera.up.set(0, 0, 1);
            camera.lookAt(...VIEW_TARGET);
            gl.toneMapping = THREE.ACESFilmicToneMapping;
            gl.toneMappingExposure = 1.0;
          }}
        >
          <color attach="background" args={[BACKGROUND]} />
          <Invalidator frames={frames} />
          <ScreenProjector />
          <Lighting quality={quality} />
          <Bodies quality={quality} frames={frames} onModel={setModel} />
          <Trajectories />
          <DragSpring model={model} />
          <CameraLink />
          <OrbitControls makeDefault target={VIEW_TARGET} minDistance={0.3} maxDistance={4} maxPolarAngle={Math.PI * 0.495} enableDamping dampingFactor={0.12} />
        </Canvas>
      )}
      <OutcomeBanner />
      <TrajectoryToggle />
      <DragPausedHint />
      <div className="stage-hint">Drag: orbit · right-drag: pan · wheel: zoom · drag a cube, the bowl, plate or drawer to push it while the episode runs</div>
    </div>
  );
}
