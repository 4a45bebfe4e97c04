import { useThree, type ThreeEvent } from '@react-three/fiber';
import { useEffect, useRef, useState } from 'react';
import * as THREE from 'three';
import type { Vec3 } from '../sim/math';
import { useSession } from '../state/session/context';
import { usePolicyStore } from '../state/policyStore';
import { PLAN_COLOR } from './overlayColors';

// The points of the ghost path, one per predicted step. While that prediction waits for approval they are
// the "accept part" control on the path itself: hovering point n lights the first n steps, clicking it
// executes them and asks the model again (docs/interventions.md). Elsewhere they only mark the steps.

const PICK_COLOR = '#ffd166';

export function GhostPathPoints({ path, step }: { path: Vec3[]; step: number }) {
  const controller = useSession();
  const awaiting = usePolicyStore((s) => s.awaiting);
  const k = usePolicyStore((s) => s.execution.k);
  const [hover, setHover] = useState<number | null>(null);
  const picking = awaiting === step;
  useEffect(() => {
    if (!picking || hover === null) return;
    document.body.style.cursor = 'pointer';
    return () => {
      document.body.style.cursor = '';
    };
  }, [picking, hover]);
  const pick = (i: number) => (e: ThreeEvent<MouseEvent>) => {
    e.stopPropagation();
    // The first n steps; n at or past what the execution mode runs anyway is a plain acceptance.
    const n = i + 1;
    controller.approve(n < k ? n : undefined);
  };
  return (
    <>
      {path.map((p, i) => {
        const lit = picking && hover !== null && i <= hover;
        return (
          <mesh
            key={i}
            position={p}
            renderOrder={6}
            userData={{ ghostPoint: picking }}
            // Nearer objects (a cube under the path) would start a drag; a picked point is the person's aim.
            onPointerDown={picking ? (e) => e.stopPropagation() : undefined}
            onClick={picking ? pick(i) : undefined}
            onPointerOver={picking ? (e) => (e.stopPropagation(), setHover(i)) : undefined}
            onPointerOut={picking ? () => setHover((h) => (h === i ? null : h)) : undefined}
          >
            <sphereGeometry args={[picking ? 0.009 : 0.006, 12, 8]} />
            <meshBasicMaterial color={lit ? PICK_COLOR : PLAN_COLOR} depthTest={false} transparent opacity={0.9} />
          </mesh>
        );
      })}
      <ScreenProjection />
    </>
  );
}

/**
 * Where a world point is on the page, in CSS pixels: end-to-end tests click a ghost point through it
 * (window.__vla.project), as a person would, instead of calling the session.
 */
function ScreenProjection() {
  const camera = useThree((s) => s.camera);
  const gl = useThree((s) => s.gl);
  // The path's points are in the simulator's frame; the groups above this one place it in the scene.
  const frame = useRef<THREE.Group>(null);
  useEffect(() => {
    const handle = window.__vla;
    if (!handle) return;
    handle.project = (p: Vec3) => {
      const world = frame.current ? frame.current.localToWorld(new THREE.Vector3(...p)) : new THREE.Vector3(...p);
      const v = world.project(camera);
      const r = gl.domElement.getBoundingClientRect();
      return { x: r.left + ((v.x + 1) / 2) * r.width, y: r.top + ((1 - v.y) / 2) * r.height };
    };
    return () => {
      delete handle.project;
    };
  }, [camera, gl]);
  return <group ref={frame} />;
}

/** Pointer hits with pickable ghost points first, whatever is nearer: the points are drawn over everything. */
export function ghostPointsFirst<T extends { object: THREE.Object3D }>(hits: T[]): T[] {
  const first = hits.filter((h) => h.object.userData.ghostPoint === true);
  return first.length ? [...first, ...hits.filter((h) => h.object.userData.ghostPoint !== true)] : hits;
}
