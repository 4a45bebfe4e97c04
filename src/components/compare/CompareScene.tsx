import { Line } from '@react-three/drei';
import { Canvas, useThree } from '@react-three/fiber';
import { useEffect, useMemo, useRef } from 'react';
import type * as THREE from 'three';
import { buildScene, type SceneModel } from '../../render/buildScene';
import type { Vec3 } from '../../sim/math';
import type { SceneDescription } from '../../sim/sceneDescription';
import { useViewCamera } from '../../state/viewCamera';
import type { StepRecord } from '../../workers/protocol';
import { PLAN_COLOR, TRAIL_COLOR } from '../overlayColors';
import { BACKGROUND, FLOOR_COLOR, VIEW_POSITION, VIEW_TARGET } from '../viewDefaults';

// The compared episode's bodies at the shared cursor, with its executed trail and the plan made there: a
// second, lighter canvas (coarse meshes, no shadows, drawn only when the step or the viewpoint changes). It
// has no controls of its own: it looks from wherever the main 3D view was left, so both show one viewpoint.

function Bodies({ scene, record }: { scene: SceneDescription; record: StepRecord }) {
  const root = useRef<THREE.Group>(null);
  const model = useRef<SceneModel | null>(null);
  const latest = useRef(record);
  const invalidate = useThree((s) => s.invalidate);
  useEffect(() => {
    latest.current = record;
    model.current?.applyPoses(record.frame.bodies);
    invalidate();
  }, [record, invalidate]);
  // Built in the effect that disposes it (not memoised): StrictMode runs effects twice, and a disposed
  // model has lost its meshes.
  useEffect(() => {
    const group = root.current;
    if (!group) return;
    const m = buildScene(scene, { detail: 'low' });
    const floor = m.meshByName('floor');
    if (floor) (floor.material as THREE.MeshStandardMaterial).color.set(FLOOR_COLOR);
    m.applyPoses(latest.current.frame.bodies);
    group.add(m.group);
    model.current = m;
    invalidate();
    return () => {
      group.remove(m.group);
      m.dispose();
      model.current = null;
    };
  }, [scene, invalidate]);
  return <group ref={root} />;
}

function Paths({ records, record }: { records: readonly StepRecord[]; record: StepRecord }) {
  const trail = useMemo(() => records.slice(0, record.step + 1).map((r) => r.tcp), [records, record]);
  const plan: Vec3[] = record.decision ? [record.tcp, ...record.decision.path] : [];
  return (
    <group>
      {trail.length > 1 && <Line points={trail} color={TRAIL_COLOR} lineWidth={2} transparent opacity={0.9} />}
      {plan.length > 1 && <Line points={plan} color={PLAN_COLOR} lineWidth={3} dashed dashSize={0.012} gapSize={0.006} depthTest={false} renderOrder={5} />}
    </group>
  );
}

/** Looks from where the main view's camera was left (src/state/viewCamera.ts), or from the default. */
function FollowMainCamera() {
  const camera = useThree((s) => s.camera);
  const invalidate = useThree((s) => s.invalidate);
  const pose = useViewCamera((s) => s.pose);
  useEffect(() => {
    const position = pose?.position ?? VIEW_POSITION;
    const target = pose?.target ?? VIEW_TARGET;
    camera.up.set(0, 0, 1);
    camera.position.set(...position);
    camera.lookAt(...target);
    invalidate();
  }, [camera, pose, invalidate]);
  return null;
}

interface Props {
  scene: SceneDescription;
  records: readonly StepRecord[];
  record: StepRecord;
}

export function CompareScene({ scene, records, record }: Props) {
  return (
    <div className="compare-scene" data-testid="compare-scene">
      <Canvas
        frameloop="demand"
        dpr={1}
        camera={{ position: VIEW_POSITION, up: [0, 0, 1], fov: 38, near: 0.01, far: 30 }}
        gl={{ antialias: false, preserveDrawingBuffer: true }}
        aria-label="The compared episode in 3D at the cursor's step"
        role="img"
      >
        <color attach="background" args={[BACKGROUND]} />
        <hemisphereLight args={['#e8eeff', '#40372e', 1.5]} position={[0, 0, 1]} />
        <directionalLight position={[1.4, -1.0, 2.2]} intensity={2.2} />
        <directionalLight position={[-0.6, 1.2, 1.0]} intensity={0.45} color="#cfdcff" />
        <FollowMainCamera />
        <Bodies scene={scene} record={record} />
        <Paths records={records} record={record} />
      </Canvas>
    </div>
  );
}
