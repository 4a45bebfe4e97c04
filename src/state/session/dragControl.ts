import type { Vec3 } from '../../sim/math';
import type { SimLink } from './simLink';

// A person's mouse drag on a body: forwarded to the sim worker (which turns it into a spring force) and
// kept here for the 3D view to draw the spring each frame.

export interface DragState {
  body: number;
  /** Grab point in the body frame. */
  anchor: Vec3;
  /** Pointer position (world). */
  target: Vec3;
}

export class DragControl {
  /** The live mouse drag, read each frame to draw the spring. */
  drag: DragState | null = null;

  constructor(private readonly sim: SimLink, private readonly changed: () => void) {}

  begin(d: DragState): void {
    if (!this.sim.alive) return;
    this.drag = d;
    void this.sim.api.dragStart(d);
    this.changed();
  }

  move(target: Vec3): void {
    if (!this.drag || !this.sim.alive) return;
    this.drag.target = target;
    void this.sim.api.dragMove(target);
    this.changed();
  }

  end(): void {
    if (!this.drag) return;
    this.drag = null;
    if (this.sim.alive) void this.sim.api.dragEnd();
    this.changed();
  }

  /** Forget the drag without telling the worker (it is gone or reloading). */
  drop(): void {
    this.drag = null;
  }
}
