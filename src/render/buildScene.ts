import * as THREE from 'three';
import type { GeomDescription, MeshDescription, SceneDescription } from '../sim/sceneDescription';

// three.js objects for a MuJoCo scene, built from the plain SceneDescription (the model's own arrays), so
// any MJCF the sim loads can be drawn. The world stays in MuJoCo's z-up frame: callers set camera.up to
// +z instead of rotating the world, so poses from the sim apply unchanged.

export interface BuildSceneOptions {
  /** Tessellation: 'high' for the main view, 'low' for small offscreen cameras. */
  detail?: 'high' | 'low';
  /** Set castShadow/receiveShadow on the meshes. */
  shadows?: boolean;
  /** Draw geoms in these MuJoCo groups only (default: all). */
  groups?: number[];
}

export interface SceneModel {
  /** Root: one child Object3D per MuJoCo body, each placed at the body's world pose. */
  group: THREE.Group;
  bodies: THREE.Object3D[];
  /** The mesh drawn for each geom index, or null where the geom is not drawn. */
  geomMeshes: (THREE.Mesh | null)[];
  /** Update body transforms from a PoseFrame's `bodies` ([x, y, z, qw, qx, qy, qz] per body). */
  applyPoses(bodies: ArrayLike<number>): void;
  /** The mesh of the first geom with this name, if drawn. */
  meshByName(name: string): THREE.Mesh | null;
  dispose(): void;
}

interface Segments {
  radial: number;
  sphereW: number;
  sphereH: number;
  cap: number;
}
const SEGMENTS: Record<'high' | 'low', Segments> = {
  high: { radial: 40, sphereW: 32, sphereH: 20, cap: 8 },
  low: { radial: 20, sphereW: 16, sphereH: 10, cap: 4 },
};

// three.js builds cylinders and capsules along +y; MuJoCo's run along the geom's local +z.
const Y_TO_Z = new THREE.Matrix4().makeRotationX(Math.PI / 2);

function primitiveGeometry(g: GeomDescription, seg: Segments, meshes: MeshDescription[]): THREE.BufferGeometry | null {
  const [a, b, c] = g.size;
  switch (g.type) {
    case 'plane': {
      // MuJoCo: half sizes in x and y, 0 meaning infinite; the plane's normal is local +z, as in three.js.
      const w = a > 0 ? 2 * a : 100;
      const h = b > 0 ? 2 * b : 100;
      return new THREE.PlaneGeometry(w, h);
    }
    case 'sphere':
      return new THREE.SphereGeometry(a, seg.sphereW, seg.sphereH);
    case 'ellipsoid':
      return new THREE.SphereGeometry(1, seg.sphereW, seg.sphereH).scale(a, b, c);
    case 'capsule':
      return new THREE.CapsuleGeometry(a, 2 * b, seg.cap, seg.radial).applyMatrix4(Y_TO_Z);
    case 'cylinder':
      return new THREE.CylinderGeometry(a, a, 2 * b, seg.radial).applyMatrix4(Y_TO_Z);
    case 'box':
      return new THREE.BoxGeometry(2 * a, 2 * b, 2 * c);
    case 'mesh': {
      const m = g.mesh !== undefined ? meshes[g.mesh] : undefined;
      if (!m) return null;
      // Vertices are already in the geom frame (MuJoCo recentres meshes at compile time). Unshared
      // vertices give flat shading on the hard edges typical of robot meshes.
      const geo = new THREE.BufferGeometry();
      geo.setAttribute('position', new THREE.BufferAttribute(m.vertices, 3));
      geo.setIndex(new THREE.BufferAttribute(m.faces, 1));
      const flat = geo.toNonIndexed();
      geo.dispose();
      flat.computeVertexNormals();
      return flat;
    }
    case 'hfield':
      // Height fields need the field data, which SceneDescription does not carry; none of our scenes use one.
      return null;
  }
}

function geometryKey(g: GeomDescription): string {
  return g.type === 'mesh' ? `mesh:${g.mesh}` : `${g.type}:${g.size.map((s) => s.toFixed(6)).join(',')}`;
}

/** Surface finish by role, guessed from the geom name; colour always comes from the model's rgba. */
function finish(name: string, type: string): { roughness: number; metalness: number } {
  if (type === 'plane' || name === 'floor') return { roughness: 0.95, metalness: 0 };
  if (name === 'table') return { roughness: 0.8, metalness: 0 };
  if (/cube/.test(name)) return { roughness: 0.45, metalness: 0 };
  if (/plate|bowl/.test(name)) return { roughness: 0.35, metalness: 0 };
  if (/handle|post/.test(name)) return { roughness: 0.3, metalness: 0.6 };
  if (/cabinet|drawer/.test(name)) return { roughness: 0.7, metalness: 0 };
  if (/button/.test(name)) return { roughness: 0.4, metalness: 0 };
  // Arm links, housings, fingers: painted metal.
  return { roughness: 0.42, metalness: 0.15 };
}

export function buildScene(desc: SceneDescription, opts: BuildSceneOptions = {}): SceneModel {
  const seg = SEGMENTS[opts.detail ?? 'high'];
  const group = new THREE.Group();
  group.name = 'mujoco';
  const bodies: THREE.Object3D[] = [];
  for (let b = 0; b < desc.nbody; b++) {
    const o = new THREE.Object3D();
    o.name = desc.bodyNames[b] || `body${b}`;
    group.add(o);
    bodies.push(o);
  }
  const geometries = new Map<string, THREE.BufferGeometry>();
  const materials: THREE.Material[] = [];
  const geomMeshes: (THREE.Mesh | null)[] = [];
  const groups = opts.groups ? new Set(opts.groups) : null;
  for (const g of desc.geoms) {
    const [r, gg, bl, alpha] = g.rgba;
    if (alpha <= 0 || (groups && !groups.has(g.group))) {
      geomMeshes.push(null);
      continue;
    }
    const key = geometryKey(g);
    let geo = geometries.get(key);
    if (!geo) {
      geo = primitiveGeometry(g, seg, desc.meshes) ?? undefined;
      if (geo) geometries.set(key, geo);
    }
    if (!geo) {
      geomMeshes.push(null);
      continue;
    }
    // One material per geom (not shared) so a renderer can recolour one surface, e.g. the table.
    const mat = new THREE.MeshStandardMaterial({
      color: new THREE.Color().setRGB(r, gg, bl, THREE.SRGBColorSpace),
      ...finish(g.name, g.type),
      transparent: alpha < 1,
      opacity: alpha,
    });
    materials.push(mat);
    const mesh = new THREE.Mesh(geo, mat);
    mesh.name = g.name;
    mesh.position.set(g.pos[0], g.pos[1], g.pos[2]);
    mesh.quaternion.set(g.quat[1], g.quat[2], g.quat[3], g.quat[0]);
    if (opts.shadows) {
      mesh.castShadow = g.type !== 'plane';
      mesh.receiveShadow = true;
    }
    mesh.userData.geom = g;
    bodies[g.body].add(mesh);
    geomMeshes.push(mesh);
  }
  const byName = new Map<string, THREE.Mesh>();
  for (const m of geomMeshes) if (m && !byName.has(m.name)) byName.set(m.name, m);

  return {
    group,
    bodies,
    geomMeshes,
    applyPoses(p: ArrayLike<number>) {
      for (let b = 0; b < bodies.length; b++) {
        const o = 7 * b;
        bodies[b].position.set(p[o], p[o + 1], p[o + 2]);
        bodies[b].quaternion.set(p[o + 4], p[o + 5], p[o + 6], p[o + 3]);
      }
    },
    meshByName: (name) => byName.get(name) ?? null,
    dispose() {
      for (const g of geometries.values()) g.dispose();
      for (const m of materials) m.dispose();
      group.clear();
    },
  };
}
