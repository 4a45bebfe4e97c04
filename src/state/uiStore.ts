import { create } from 'zustand';
import { persist } from 'zustand/middleware';

// View preferences, kept across visits (localStorage).

export interface UiState {
  /** Ghost path of the planned chunk and the executed trail in the 3D view. */
  showTrajectory: boolean;
  /** Gripper points and object boxes over the camera views. */
  showPoints: boolean;
  showBoxes: boolean;
  /** The model's attention as heatmaps over the camera views and as shading on the instruction's words. */
  showAttention: boolean;
  /** Which query token's attention to show (manifest attention.queries). */
  attentionQuery: string;
  /** 'mean', 'rollout', or one head as 'L<layer>H<head>' (0-based). */
  attentionHead: string;
  /** The expert's labels beside the model's predictions, with disagreements marked. */
  showGroundTruth: boolean;
  /** The plots panel in the dock (actions, confidences, latency over the steps). */
  showPlots: boolean;
  set(patch: Partial<Omit<UiState, 'set'>>): void;
}

export const useUiStore = create<UiState>()(
  persist(
    (set) => ({
      showTrajectory: true,
      showPoints: true,
      showBoxes: true,
      showAttention: true,
      attentionQuery: 'action',
      attentionHead: 'mean',
      showGroundTruth: false,
      // Open on a wide screen; on a phone the 3D view needs the height (one tap opens them).
      showPlots: typeof window === 'undefined' || typeof window.matchMedia !== 'function' || window.matchMedia('(min-width: 701px)').matches,
      set: (patch) => set(patch),
    }),
    { name: 'vla-playground-ui', partialize: ({ set: _set, ...rest }) => rest },
  ),
);
