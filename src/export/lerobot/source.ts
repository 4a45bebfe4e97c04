// What the LeRobot export reads from a demonstration dataset (docs/dataset.md), already in memory: the
// Node CLI fills it from the .npy files, a browser export could fill it from the app's episode history.

export interface SourceCamera {
  name: string;
  width: number;
  height: number;
}

/** Dataset-wide facts: the card's layouts, vocabularies and control rate. */
export interface SourceDataset {
  fps: number;
  /** In label order: the per-camera label arrays (gripper points, boxes) follow this order. */
  cameras: SourceCamera[];
  stateNames: string[];
  actionNames: string[];
  /** Label vocabularies the dataset's indices refer to (card.vocab). */
  objects: string[];
  moves: string[];
}

/** One recorded episode (one episode folder), T frames. Arrays are row-major, frame first. */
export interface SourceEpisode {
  /** The episode folder's name, for provenance and messages. */
  name: string;
  instruction: string;
  /** [verb, object] pairs (meta.json's plan). */
  plan: Array<[string, string]>;
  /**
   * When the plan changes within the episode (an app episode's chain of goals, a person's correction):
   * frame t follows plans[planIndex[t]], and subtask[t] indexes that plan. Absent: every frame follows `plan`.
   */
  framePlans?: { plans: Array<Array<[string, string]>>; planIndex: Int32Array };
  length: number;
  /** [T, actionNames.length] */
  action: Float32Array;
  /** [T, stateNames.length] */
  state: Float32Array;
  /** [T] index into plan */
  subtask: Int32Array;
  /** [T] index into moves */
  move: Int32Array;
  /** Gripper point now and the future points per frame and camera: [T, cameras, points, 2] (u, v in 0..1). */
  gripperPx: Float32Array;
  /** [T, cameras, points] */
  gripperVis: Uint8Array;
  /** [T, cameras, objects, 4] u0, v0, u1, v1 in 0..1 */
  boxes: Float32Array;
  /** [T, cameras, objects] */
  boxVis: Uint8Array;
  /** Points per camera in gripperPx (1 + future points). */
  points: number;
  /** Camera name -> RGB frames [T, H, W, 3], row 0 = top. */
  pixels: Record<string, Uint8Array>;
}
