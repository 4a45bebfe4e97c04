import { create } from 'zustand';
import type { CameraPose } from './viewLink';

// The 3D view's camera as the link sees it: the view reports where a person left it (after an orbit), and
// a link asks for a pose once, which the view applies and clears (src/components/SceneView.tsx).

interface ViewCameraState {
  pose: CameraPose | null;
  requested: CameraPose | null;
}

export const useViewCamera = create<ViewCameraState>(() => ({ pose: null, requested: null }));
