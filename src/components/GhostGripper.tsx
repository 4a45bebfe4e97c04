import { useMemo } from 'react';
import * as THREE from 'three';
import type { Vec3 } from '../sim/math';
import type { PoseFrame } from '../sim/sceneDescription';
import { useSession } from '../state/session/context';
import { PLAN_COLOR } from './overlayColors';

// A translucent copy of the hand where the predicted chunk ends: the pose the arm will be in, with the
// fingers open or closed as commanded, so a person sees the intended grasp before any motion.
// Dimensions follow the hand in src/sim/scene.ts (palm, knuckles and pads in the hand's frame).

const TCP_IN_HAND = new THREE.Vector3(0, 0, 0.1034);
const Z = new THREE.Vector3(0, 0, 1);
/** Per-finger opening (m): fully open, and a visibly closed grasp. */
const OPEN = 0.04;
const CLOSED = 0.008;

interface Props {
  frame: PoseFrame;
  /** Where the plan leaves the TCP. */
  end: Vec3;
  /** Yaw change (rad, about world z) over the planned chunk. */
  yaw: number;
  closed: boolean;
}

function Part({ pos, size }: { pos: [number, number, number]; size: [number, number, number] }) {
  return (
    <mesh position={pos} renderOrder={3}>
      <boxGeometry args={size} />
      <meshStandardMaterial color={PLAN_COLOR} emissive={PLAN_COLOR} emissiveIntensity={0.35} transparent opacity={0.32} depthWrite={false} />
    </mesh>
  );
}

export function GhostGripper({ frame, end, yaw, closed }: Props) {
  const controller = useSession();
  const hand = controller.scene?.bodyNames.indexOf('hand') ?? -1;
  const pose = useMemo(() => {
    if (hand < 0) return null;
    const b = frame.bodies;
    const o = 7 * hand;
    const q = new THREE.Quaternion(b[o + 4], b[o + 5], b[o + 6], b[o + 3]);
    q.premultiply(new THREE.Quaternion().setFromAxisAngle(Z, yaw));
    const p = new THREE.Vector3(...end).sub(TCP_IN_HAND.clone().applyQuaternion(q));
    return { p, q };
  }, [frame, hand, end, yaw]);
  if (!pose) return null;
  const q = closed ? CLOSED : OPEN;
  return (
    <group position={pose.p} quaternion={pose.q}>
      <Part pos={[0, 0, 0.028]} size={[0.048, 0.19, 0.056]} />
      {[1, -1].map((s) => (
        <group key={s}>
          <Part pos={[0, s * (q + 0.009), 0.0664]} size={[0.022, 0.018, 0.024]} />
          <Part pos={[0, s * (q + 0.006), 0.0944]} size={[0.02, 0.012, 0.036]} />
        </group>
      ))}
    </group>
  );
}
