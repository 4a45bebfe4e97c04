import type { Vec3 } from '../sim/math';

// Where the 3D views look from, and their colours: the main view and the compare pane's small one start
// from the same viewpoint, so two episodes read alike side by side.

export const VIEW_TARGET: Vec3 = [0.34, 0, 0.17];
export const VIEW_POSITION: Vec3 = [1.7, -0.92, 1.16];
export const BACKGROUND = '#1a1e26';
/** The MJCF floor is a light grey far below the table; in these dark views it reads as a dark stage floor. */
export const FLOOR_COLOR = '#2b303a';
