import { useThree } from '@react-three/fiber';
import { useEffect } from 'react';
import type { OrbitControls as OrbitControlsImpl } from 'three-stdlib';
import { useViewCamera } from '../state/viewCamera';
import type { CameraPose } from '../state/viewLink';

// Keeps the 3D camera and the link in step: a pose a link asks for is applied once the orbit controls
// exist, and where a person leaves the camera after orbiting is what "Copy link" carries.

export function CameraLink() {
  const camera = useThree((s) => s.camera);
  const controls = useThree((s) => s.controls) as OrbitControlsImpl | null;
  const invalidate = useThree((s) => s.invalidate);
  const requested = useViewCamera((s) => s.requested);
  useEffect(() => {
    if (!controls) return;
    const report = () => {
      const t = controls.target;
      const pose: CameraPose = { position: [camera.position.x, camera.position.y, camera.position.z], target: [t.x, t.y, t.z] };
      useViewCamera.setState({ pose });
    };
    report();
    controls.addEventListener('end', report);
    return () => controls.removeEventListener('end', report);
  }, [camera, controls]);
  useEffect(() => {
    if (!controls || !requested) return;
    camera.position.set(...requested.position);
    controls.target.set(...requested.target);
    controls.update();
    useViewCamera.setState({ pose: requested, requested: null });
    invalidate();
  }, [camera, controls, requested, invalidate]);
  return null;
}
