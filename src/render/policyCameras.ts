import * as THREE from 'three';
import type { PoseFrame, SceneDescription } from '../sim/sceneDescription';
import type { CameraImages } from '../engine/types';
import { CAMERAS } from '../sim/vocab';
import { buildScene, type SceneModel } from './buildScene';
import type { DomainRandomization } from './domainRandomization';
import type { PerturbationPlan } from '../sim/perturbations';
import type { CubeName } from '../sim/vocab';

// The policy cameras, rendered offscreen to RGB byte arrays: the exact pixels a policy is given. The app's
// camera views, the headless runner, data generation and model evaluation all use this class, so a model
// is trained and evaluated on the same pixels a person sees enlarged in the UI.
//
// It owns its WebGL context (a small OffscreenCanvas) instead of borrowing the main view's renderer: its
// size, tone mapping, lights and shadow settings then never depend on what the main view is doing, which
// is what makes identical inputs give identical pixels.

export interface PolicyCameraOptions {
  /** Directional-light shadows (a small shadow map): cheap at 64 px and a useful height cue. */
  shadows?: boolean;
  /** Shadow map resolution; the shadow pass rasterizes this many texels on the CPU under SwiftShader. */
  shadowMapSize?: number;
  /** Multisample anti-aliasing of the drawing buffer. */
  antialias?: boolean;
  /** Canvas to draw into (default: a new OffscreenCanvas, or a detached <canvas> where none exists). */
  canvas?: HTMLCanvasElement | OffscreenCanvas;
}

export type { CameraImages } from '../engine/types';

const BACKGROUND = new THREE.Color().setRGB(0.74, 0.77, 0.81, THREE.SRGBColorSpace);
const KEY_INTENSITY = 2.6;
const FILL_INTENSITY = 0.6;
const AMBIENT_INTENSITY = 1.1;
// Key light from the MJCF's "key" light direction: above, in front and to the right of the robot.
const KEY_DIR = new THREE.Vector3(-0.3, 0.4, -1).normalize();
const FILL_DIR = new THREE.Vector3(0.4, -0.5, -1).normalize();
/** Centre of the area the key light's shadow camera covers (the table). */
const SHADOW_CENTRE = new THREE.Vector3(0.35, 0, 0);
const SHADOW_HALF = 0.75;
const NEAR = 0.01;
const FAR = 10;

function makeCanvas(w: number, h: number): HTMLCanvasElement | OffscreenCanvas {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(w, h);
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  return c;
}

export class PolicyCameraRenderer {
  readonly renderer: THREE.WebGLRenderer;
  readonly scene = new THREE.Scene();
  readonly model: SceneModel;
  private readonly specs: SceneDescription['cameras'];
  private readonly cameras: THREE.PerspectiveCamera[];
  private readonly key: THREE.DirectionalLight;
  private readonly fill: THREE.DirectionalLight;
  private readonly ambient: THREE.HemisphereLight;
  private readonly table: THREE.Mesh | null;
  private readonly tableColor: THREE.Color | null;
  /** Cameras sit side by side in one canvas, so both are read back with a single readPixels. */
  private readonly offsets: number[];
  private readonly width: number;
  private readonly height: number;
  private readonly rgba: Uint8Array;
  private readonly shadows: boolean;
  private readonly basis = new THREE.Matrix4();

  constructor(desc: SceneDescription, opts: PolicyCameraOptions = {}) {
    this.shadows = opts.shadows ?? true;
    const specs = CAMERAS.map((name) => {
      const c = desc.cameras.find((x) => x.name === name);
      if (!c) throw new Error(`scene description has no "${name}" camera`);
      return c;
    });
    this.specs = specs;
    this.offsets = [];
    let x = 0;
    for (const s of specs) {
      this.offsets.push(x);
      x += s.width;
    }
    this.width = x;
    this.height = Math.max(...specs.map((s) => s.height));
    this.rgba = new Uint8Array(this.width * this.height * 4);
    const canvas = opts.canvas ?? makeCanvas(this.width, this.height);
    this.renderer = new THREE.WebGLRenderer({
      canvas,
      antialias: opts.antialias ?? true,
      alpha: false,
      preserveDrawingBuffer: true,
      powerPreference: 'low-power',
    });
    this.renderer.setPixelRatio(1);
    this.renderer.setSize(this.width, this.height, false);
    this.renderer.outputColorSpace = THREE.SRGBColorSpace;
    this.renderer.toneMapping = THREE.NeutralToneMapping;
    this.renderer.toneMappingExposure = 1.0;
    this.renderer.setScissorTest(true);
    if (this.shadows) {
      this.renderer.shadowMap.enabled = true;
      this.renderer.shadowMap.type = THREE.PCFShadowMap;
      // One shadow pass per frame, not one per camera: both views share the same light.
      this.renderer.shadowMap.autoUpdate = false;
    }

    this.model = buildScene(desc, { detail: 'low', shadows: this.shadows });
    this.scene.add(this.model.group);
    this.scene.background = BACKGROUND;

    this.ambient = new THREE.HemisphereLight(0xf2f5ff, 0x8a7f72, AMBIENT_INTENSITY);
    this.ambient.up.set(0, 0, 1);
    this.ambient.position.set(0, 0, 1);
    this.scene.add(this.ambient);
    this.key = new THREE.DirectionalLight(0xffffff, KEY_INTENSITY);
    this.fill = new THREE.DirectionalLight(0xdfe6ff, FILL_INTENSITY);
    for (const l of [this.key, this.fill]) {
      l.target.position.copy(SHADOW_CENTRE);
      this.scene.add(l, l.target);
    }
    if (this.shadows) {
      this.key.castShadow = true;
      this.key.shadow.mapSize.set(opts.shadowMapSize ?? 256, opts.shadowMapSize ?? 256);
      const sc = this.key.shadow.camera;
      sc.left = -SHADOW_HALF;
      sc.right = SHADOW_HALF;
      sc.top = SHADOW_HALF;
      sc.bottom = -SHADOW_HALF;
      sc.near = 0.1;
      sc.far = 4;
      this.key.shadow.bias = -0.0015;
      this.key.shadow.normalBias = 0.01;
    }
    this.table = this.model.meshByName('table');
    this.tableColor = this.table ? (this.table.material as THREE.MeshStandardMaterial).color.clone() : null;

    this.cameras = specs.map((s) => {
      const cam = new THREE.PerspectiveCamera(s.fovy, s.width / s.height, NEAR, FAR);
      cam.matrixAutoUpdate = true;
      return cam;
    });
    this.setRandomization(null);
  }

  /**
   * The pixel axes of a perturbation plan (src/sim/axes.ts) for the following renders, on top of any
   * randomization: lighting (intensity, direction, colour temperature), background (table and backdrop
   * colours), the front camera's field of view and a distractor's tint. Null restores the defaults. Camera
   * poses are jittered by the host in the PoseFrame (labels must move with them), not here.
   */
  setPerturbation(plan: PerturbationPlan | null, randomization: DomainRandomization | null = null): void {
    const l = plan?.lighting;
    const r: DomainRandomization | null = l
      ? {
          ...(randomization ?? { keyScale: 1, keyAzimuth: 0, keyElevation: 0, ambientScale: 1, tableColor: [...this.defaultTable()] as [number, number, number], cameraJitter: { front: { pos: [0, 0, 0], rot: [0, 0, 0] }, wrist: { pos: [0, 0, 0], rot: [0, 0, 0] } } }),
          keyScale: (randomization?.keyScale ?? 1) * l.keyScale,
          keyAzimuth: (randomization?.keyAzimuth ?? 0) + l.keyAzimuth,
          keyElevation: (randomization?.keyElevation ?? 0) + l.keyElevation,
          ambientScale: (randomization?.ambientScale ?? 1) * l.ambientScale,
        }
      : randomization;
    const bg = plan?.background;
    this.setRandomization(bg ? { ...(r ?? this.neutral()), tableColor: bg.table } : r);
    const tint = l ? kelvinToRgb(l.kelvin) : [1, 1, 1];
    this.key.color.setRGB(tint[0], tint[1], tint[2]);
    this.ambient.color.setRGB(0xf2 / 255 * tint[0], 0xf5 / 255 * tint[1], tint[2]);
    if (bg?.backdrop) this.scene.background = new THREE.Color().setRGB(bg.backdrop[0], bg.backdrop[1], bg.backdrop[2], THREE.SRGBColorSpace);
    else this.scene.background = BACKGROUND;
    this.cameras.forEach((cam, i) => {
      cam.fov = this.specs[i].fovy * (i === 0 && plan?.camera ? plan.camera.fovScale : 1);
      cam.updateProjectionMatrix();
    });
    for (const colour of this.tinted.values()) colour.restore();
    this.tinted.clear();
    const d = plan?.distractor;
    if (d?.tint && d.objects[0]) this.tint(d.objects[0], d.tint);
  }

  private readonly tinted = new Map<CubeName, { restore(): void }>();

  private tint(cube: CubeName, rgb: [number, number, number]): void {
    const mesh = this.model.meshByName(cube);
    if (!mesh) return;
    const mat = mesh.material as THREE.MeshStandardMaterial;
    const before = mat.color.clone();
    mat.color.setRGB(rgb[0], rgb[1], rgb[2], THREE.SRGBColorSpace);
    this.tinted.set(cube, { restore: () => mat.color.copy(before) });
  }

  private defaultTable(): number[] {
    const c = this.tableColor ?? new THREE.Color(1, 1, 1);
    const out = { r: 0, g: 0, b: 0 };
    c.getRGB(out, THREE.SRGBColorSpace);
    return [out.r, out.g, out.b];
  }

  private neutral(): DomainRandomization {
    return { keyScale: 1, keyAzimuth: 0, keyElevation: 0, ambientScale: 1, tableColor: this.defaultTable() as [number, number, number], cameraJitter: { front: { pos: [0, 0, 0], rot: [0, 0, 0] }, wrist: { pos: [0, 0, 0], rot: [0, 0, 0] } } };
  }

  /** Lighting and table colour for the following renders; null restores the defaults. */
  setRandomization(r: DomainRandomization | null): void {
    const place = (light: THREE.DirectionalLight, dir: THREE.Vector3, az: number, el: number) => {
      // Light travels along `dir`; it sits opposite, 2 m from the table centre.
      const from = dir.clone().negate();
      const azimuth = Math.atan2(from.y, from.x) + az;
      const elevation = Math.min(1.45, Math.max(0.35, Math.asin(from.z) + el));
      const p = new THREE.Vector3(Math.cos(elevation) * Math.cos(azimuth), Math.cos(elevation) * Math.sin(azimuth), Math.sin(elevation));
      light.position.copy(SHADOW_CENTRE).addScaledVector(p, 2);
      light.updateMatrixWorld();
      light.target.updateMatrixWorld();
    };
    place(this.key, KEY_DIR, r?.keyAzimuth ?? 0, r?.keyElevation ?? 0);
    place(this.fill, FILL_DIR, 0, 0);
    this.key.intensity = KEY_INTENSITY * (r?.keyScale ?? 1);
    this.ambient.intensity = AMBIENT_INTENSITY * (r?.ambientScale ?? 1);
    if (this.table && this.tableColor) {
      const mat = this.table.material as THREE.MeshStandardMaterial;
      if (r) mat.color.setRGB(r.tableColor[0], r.tableColor[1], r.tableColor[2], THREE.SRGBColorSpace);
      else mat.color.copy(this.tableColor);
    }
  }

  /** Place a three.js camera at a PoseFrame camera pose (MuJoCo and three.js share the -z view, +y up convention). */
  private placeCamera(cam: THREE.PerspectiveCamera, poses: ArrayLike<number>, i: number): void {
    const o = 12 * i;
    const m = (k: number) => poses[o + 3 + k];
    cam.position.set(poses[o], poses[o + 1], poses[o + 2]);
    this.basis.set(m(0), m(1), m(2), 0, m(3), m(4), m(5), 0, m(6), m(7), m(8), 0, 0, 0, 0, 1);
    cam.quaternion.setFromRotationMatrix(this.basis);
    cam.updateMatrixWorld(true);
  }

  /**
   * Render both policy cameras for `frame` and return RGB bytes per camera (row 0 = top of the image,
   * 3 bytes per pixel). Pass `out` to reuse buffers.
   */
  render(frame: PoseFrame, out?: Partial<CameraImages>): CameraImages {
    this.model.applyPoses(frame.bodies);
    this.scene.updateMatrixWorld(true);
    if (this.shadows) this.renderer.shadowMap.needsUpdate = true;
    this.specs.forEach((spec, idx) => {
      this.placeCamera(this.cameras[idx], frame.cameras, idx);
      // WebGL's viewport origin is the bottom-left corner.
      const x = this.offsets[idx];
      const y = this.height - spec.height;
      this.renderer.setViewport(x, y, spec.width, spec.height);
      this.renderer.setScissor(x, y, spec.width, spec.height);
      this.renderer.render(this.scene, this.cameras[idx]);
    });
    const gl = this.renderer.getContext();
    gl.readPixels(0, 0, this.width, this.height, gl.RGBA, gl.UNSIGNED_BYTE, this.rgba);
    const result = {} as CameraImages;
    CAMERAS.forEach((name, idx) => {
      const spec = this.specs[idx];
      const w = spec.width, h = spec.height;
      const dst = out?.[name] && out[name]!.length === w * h * 3 ? out[name]! : new Uint8Array(w * h * 3);
      const x0 = this.offsets[idx];
      for (let row = 0; row < h; row++) {
        // readPixels rows run bottom-up; image row 0 is the top.
        const src = ((this.height - 1 - row) * this.width + x0) * 4;
        let d = row * w * 3;
        for (let c = 0; c < w; c++) {
          const s = src + 4 * c;
          dst[d++] = this.rgba[s];
          dst[d++] = this.rgba[s + 1];
          dst[d++] = this.rgba[s + 2];
        }
      }
      result[name] = dst;
    });
    return result;
  }

  dispose(): void {
    this.model.dispose();
    this.renderer.dispose();
  }
}

/** The colour of a black body at `kelvin`, normalised so 6500 K is white (Tanner Helland's fit of the CIE data). */
export function kelvinToRgb(kelvin: number): [number, number, number] {
  const raw = (k: number): [number, number, number] => {
    const t = k / 100;
    const r = t <= 66 ? 255 : 329.698727446 * Math.pow(t - 60, -0.1332047592);
    const g = t <= 66 ? 99.4708025861 * Math.log(t) - 161.1195681661 : 288.1221695283 * Math.pow(t - 60, -0.0755148492);
    const b = t >= 66 ? 255 : t <= 19 ? 0 : 138.5177312231 * Math.log(t - 10) - 305.0447927307;
    return [r, g, b].map((x) => Math.min(255, Math.max(0, x)) / 255) as [number, number, number];
  };
  const w = raw(6500);
  return raw(kelvin).map((x, i) => Math.min(1.5, x / w[i])) as [number, number, number];
}
