import { create } from 'zustand';
import { persist } from 'zustand/middleware';

// View preferences, kept across visits (localStorage).

export interface UiState {
  /** Ghost path of the planned chunk and the executed trail in the 3D view. */
  showTrajectory: boolean;
  /** Gripper points and object boxes over the camera views. */
  showPoints: boolean;
  showBoxes: boolean;
  set(patch: Partial<Omit<UiState, 'set'>>): void;
}

export const useUiStore = create<UiState>()(
  persist(
    (set) => ({
      showTrajectory: true,
      showPoints: true,
      showBoxes: true,
      set: (patch) => set(patch),
    }),
    { name: 'vla-playground-ui', partialize: ({ set: _set, ...rest }) => rest },
  ),
);
