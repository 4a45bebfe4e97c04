import type { TabletopEnv } from './env';
import type { CameraName } from './vocab';
import { CAMERAS } from './vocab';

// A plain-data description of everything drawable in a MuJoCo model, read from the model's own arrays,
// so the renderer (main thread, headless runner) can draw any MJCF the sim loads without MuJoCo itself.

export const GEOM_TYPES = ['plane', 'hfield', 'sphere', 'capsule', 'ellipsoid', 'cylinder', 'box', 'mesh'] as const;
export type GeomType = (typeof GEOM_TYPES)[number];

export interface GeomDescription {
  name: string;
  type: GeomType;
  body: number;
  /** MuJoCo geom_size: meaning depends on type (half sizes, radius/half-length...). */
  size: [number, number, number];
  rgba: [number, number, number, number];
  /** Pose relative to the body frame; quaternion w, x, y, z. */
  pos: [number, number, number];
  quat: [number, number, number, number];
  group: number;
  /** Mesh geoms only: index into `meshes`. */
  mesh?: number;
}

export interface MeshDescription {
  vertices: Float32Array;
  faces: Uint32Array;
}

export interface CameraDescription {
  name: CameraName;
  fovy: number;
  width: number;
  height: number;
}

export interface SceneDescription {
  nbody: number;
  bodyNames: string[];
  geoms: GeomDescription[];
  meshes: MeshDescription[];
  cameras: CameraDescription[];
}

/** Per-step pose data the renderer consumes, published by the sim. */
export interface PoseFrame {
  /** Per body [x, y, z, qw, qx, qy, qz]. */
  bodies: Float32Array;
  /** Per policy camera (CAMERAS order) [x, y, z, 9 row-major rotation entries]. */
  cameras: Float32Array;
}

export function describeScene(env: TabletopEnv, resolution: Record<CameraName, { width: number; height: number }>): SceneDescription {
  const { mj, model: m } = env;
  const name = (type: number, i: number) => mj.mj_id2name(m, type, i) ?? '';
  const GEOM = mj.mjtObj.mjOBJ_GEOM.value;
  const BODY = mj.mjtObj.mjOBJ_BODY.value;
  const type = m.geom_type as Int32Array;
  const size = m.geom_size as Float64Array;
  const rgba = m.geom_rgba as Float32Array;
  const body = m.geom_bodyid as Int32Array;
  const gpos = m.geom_pos as Float64Array;
  const gquat = m.geom_quat as Float64Array;
  const group = m.geom_group as Int32Array;
  const dataid = m.geom_dataid as Int32Array;
  const geoms: GeomDescription[] = [];
  for (let g = 0; g < m.ngeom; g++) {
    const t = GEOM_TYPES[type[g]] ?? 'box';
    geoms.push({
      name: name(GEOM, g),
      type: t,
      body: body[g],
      size: [size[3 * g], size[3 * g + 1], size[3 * g + 2]],
      rgba: [rgba[4 * g], rgba[4 * g + 1], rgba[4 * g + 2], rgba[4 * g + 3]],
      pos: [gpos[3 * g], gpos[3 * g + 1], gpos[3 * g + 2]],
      quat: [gquat[4 * g], gquat[4 * g + 1], gquat[4 * g + 2], gquat[4 * g + 3]],
      group: group[g],
      ...(t === 'mesh' ? { mesh: dataid[g] } : {}),
    });
  }
  const meshes: MeshDescription[] = [];
  if (m.nmesh > 0) {
    const vert = m.mesh_vert as Float32Array;
    const face = m.mesh_face as Int32Array;
    const vadr = m.mesh_vertadr as Int32Array;
    const vnum = m.mesh_vertnum as Int32Array;
    const fadr = m.mesh_faceadr as Int32Array;
    const fnum = m.mesh_facenum as Int32Array;
    for (let i = 0; i < m.nmesh; i++) {
      meshes.push({
        vertices: Float32Array.from(vert.subarray(3 * vadr[i], 3 * (vadr[i] + vnum[i]))),
        faces: Uint32Array.from(face.subarray(3 * fadr[i], 3 * (fadr[i] + fnum[i]))),
      });
    }
  }
  const fovy = m.cam_fovy as Float64Array;
  return {
    nbody: m.nbody,
    bodyNames: Array.from({ length: m.nbody }, (_, i) => name(BODY, i)),
    geoms,
    meshes,
    cameras: CAMERAS.map((c) => ({ name: c, fovy: fovy[env.cameraId[c]], ...resolution[c] })),
  };
}

export function poseFrame(env: TabletopEnv, out?: PoseFrame): PoseFrame {
  const bodies = env.bodyPoses(out?.bodies);
  const cameras = out?.cameras ?? new Float32Array(CAMERAS.length * 12);
  CAMERAS.forEach((c, i) => {
    const p = env.cameraPose(c);
    cameras.set(p.pos, 12 * i);
    cameras.set(p.mat, 12 * i + 3);
  });
  return { bodies, cameras };
}
