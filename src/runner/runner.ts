import { EpisodeLoop, type LoopHooks } from '../engine/episodeLoop';
import { resultOf } from '../engine/result';
import type { CameraImages } from '../engine/types';
import { PolicyCameraRenderer } from '../render/policyCameras';
import { ActionNoise } from '../sim/actionNoise';
import { jitterCameras, sampleRandomization, type DomainRandomization } from '../render/domainRandomization';
import { objectBoxes, type Box2D } from '../sim/camera';
import { CAMERA_RES, TabletopEnv } from '../sim/env';
import { ALIASES, AXES, parseAxes } from '../sim/axes';
import { startEpisode } from '../engine/episodeStart';
import { switchHooks } from '../engine/interventions';
import { applySensorNoise } from '../render/sensorNoise';
import type { Vec3 } from '../sim/math';
import { Rng } from '../sim/rng';
import { describeScene, poseFrame, type PoseFrame, type SceneDescription } from '../sim/sceneDescription';
import { getEpisodeSource } from '../engine/catalog';
import { TASKS } from '../sim/tasks';
import { CAMERAS, type CameraName } from '../sim/vocab';
import { createPolicy, policyNames } from './policies';
import type { StepPolicy } from '../engine/types';
import './modelPolicy';
import type { EncodedArray, RunnerEpisodeResult, RunEpisodeOptions, RunnerInfo, VlaRunner } from './protocol';
import { EpisodeRecorder, type NamedArray } from './recorder';

// The headless runner: the built app's own simulation, renderer and policies behind window.vlaRunner, for
// the Node CLIs (datagen, eval, bench) that drive it through playwright. Physics runs in this page, in the
// same code the app's sim worker runs, so results match the app and Node step for step.

/** Salt that separates the randomization stream from the task's own seeded draws. */
const RANDOMIZATION_SALT = 0x5eed_d0;
/** Salt of the action-noise stream (datagen --action-noise). */
const ACTION_NOISE_SALT = 0xda27;

interface Runtime {
  env: TabletopEnv;
  desc: SceneDescription;
  cameras: PolicyCameraRenderer;
  policies: Map<string, StepPolicy>;
  webgl: string;
}

let runtime: Promise<Runtime> | null = null;

function webglName(r: PolicyCameraRenderer): string {
  const gl = r.renderer.getContext();
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  return String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
}

async function boot(): Promise<Runtime> {
  const env = await TabletopEnv.create();
  const desc = describeScene(env, CAMERA_RES);
  const cameras = new PolicyCameraRenderer(desc);
  return { env, desc, cameras, policies: new Map(), webgl: webglName(cameras) };
}

function getRuntime(): Promise<Runtime> {
  runtime ??= boot();
  return runtime;
}

async function policyFor(rt: Runtime, name: string, options: Record<string, unknown>): Promise<StepPolicy> {
  // Policies are kept across episodes: a learned one loads its session once.
  const key = `${name}:${JSON.stringify(options)}`;
  let p = rt.policies.get(key);
  if (!p) {
    p = await createPolicy(name, options);
    rt.policies.set(key, p);
  }
  return p;
}

function toBase64(bytes: Uint8Array): string {
  const native = (bytes as Uint8Array & { toBase64?: () => string }).toBase64;
  if (native) return native.call(bytes);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function encode(a: NamedArray): EncodedArray {
  const bytes = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  return { dtype: a.dtype, shape: a.shape, base64: toBase64(bytes) };
}

function cameraPoseOf(frame: PoseFrame, i: number, fovy: number) {
  const o = 12 * i;
  const c = frame.cameras;
  return { pos: [c[o], c[o + 1], c[o + 2]] as Vec3, mat: c.subarray(o + 3, o + 12), fovy };
}

async function runEpisode(opts: RunEpisodeOptions): Promise<RunnerEpisodeResult> {
  const t0 = performance.now();
  const rt = await getRuntime();
  const policyName = opts.policy ?? 'expert';
  const task = getEpisodeSource(opts.taskId);
  if (!Number.isInteger(opts.seed) || opts.seed < 0) throw new Error(`seed must be a non-negative integer, got ${opts.seed}`);
  const policy = await policyFor(rt, policyName, opts.policyOptions ?? {});
  const { env, desc } = rt;
  const sizes = Object.fromEntries(desc.cameras.map((c) => [c.name, { width: c.width, height: c.height }])) as Record<CameraName, { width: number; height: number }>;
  // Seeded perturbations (eval --perturb); none by default, and then the episode is Episode.fromTask's.
  const { episode: ep, driver, plan: perturbation, spec: startSpec } = startEpisode(env, task.id, opts.seed, parseAxes((opts.perturbations ?? []).join(',')));
  await policy.reset();

  const randomization: DomainRandomization | null = opts.randomize ? sampleRandomization(new Rng(opts.seed).fork(RANDOMIZATION_SALT)) : null;
  rt.cameras.setPerturbation(perturbation, randomization);
  const noise = opts.actionNoise ? new ActionNoise(new Rng(opts.seed).fork(ACTION_NOISE_SALT), opts.actionNoise) : null;
  const recorder = opts.record ? new EpisodeRecorder(desc.cameras) : null;
  const maxSteps = opts.maxSteps ?? Infinity;
  let frame: PoseFrame | undefined;
  let images: CameraImages | undefined;

  // This host's part of the loop: pixels through the app's renderer, the dataset rows, DART noise.
  const sw = opts.interventions && opts.interventions !== 'none' ? switchHooks(startSpec, opts.seed, opts.interventions) : null;
  const hooks: LoopHooks = {
    ...(sw ? sw.hooks : {}),
    reading: opts.reading,
    executed: noise ? (a) => noise.perturb(a) : undefined,
    onRecord(r) {
      // A dataset row is a state with the action decided there; the final state and refused steps have none.
      if (!recorder || !frame || !r.images || !r.decided || r.decided.fault) return;
      const boxes = {} as Record<CameraName, Box2D[]>;
      CAMERAS.forEach((c, i) => (boxes[c] = objectBoxes(env, c, cameraPoseOf(frame!, i, desc.cameras[i].fovy * (i === 0 && perturbation.camera ? perturbation.camera.fovScale : 1)))));
      const reasoning = r.decided.decision?.reasoning;
      recorder.add({
        images: r.images,
        proprio: r.proprio,
        action: r.decided.action,
        tcp: env.tcpPos(),
        cameras: frame.cameras,
        boxes,
        goal: r.episode.goalIndex,
        subtask: reasoning?.subtaskIndex ?? 0,
        move: reasoning?.move ?? 'stop',
      });
    },
  };
  if (recorder || policy.needsImages) {
    // Datagen records every frame; a model only looks at its inference steps.
    hooks.eagerImages = !!recorder;
    hooks.images = () => {
      frame = poseFrame(env, frame);
      if (randomization) jitterCameras(frame.cameras, randomization.cameraJitter);
      if (perturbation.camera) jitterCameras(frame.cameras, perturbation.camera);
      images = rt.cameras.render(frame, images);
      return perturbation.sensor ? applySensorNoise(images, perturbation.sensor, ep.step, sizes) : images;
    };
  }
  const loop = new EpisodeLoop(ep, policy, driver, hooks);
  let stoppedEarly = false;
  try {
    await loop.begin();
    while (!loop.done) {
      if (ep.step >= maxSteps) {
        stoppedEarly = true;
        break;
      }
      await loop.step();
    }
  } finally {
    loop.end();
  }

  const te = performance.now();
  const recording = recorder
    ? {
        goals: ep.spec.goals.map((g) => ({ instruction: g.instruction, plan: g.plan })),
        arrays: Object.fromEntries(Object.entries(recorder.finish()).map(([k, a]) => [k, encode(a)])),
      }
    : undefined;
  const timing = { ...loop.timing };
  timing.record += performance.now() - te;
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    ...resultOf(loop, task.id, opts.seed, 0, driver.events, stoppedEarly ? `stopped after maxSteps (${maxSteps})` : undefined),
    suite: task.suite,
    policy: policyName,
    wall_ms: round(performance.now() - t0),
    timing: { sim: round(timing.sim), render: round(timing.render), policy: round(timing.policy), record: round(timing.record) },
    randomization,
    ...(sw ? { intervention: sw.outcome(ep) } : {}),
    ...(recording ? { recording } : {}),
  };
}

async function init(): Promise<RunnerInfo> {
  const rt = await getRuntime();
  return {
    webgl: rt.webgl,
    cameras: rt.desc.cameras.map((c) => ({ name: c.name, width: c.width, height: c.height, fovy: c.fovy })),
    policies: policyNames(),
    perturbations: [...Object.keys(ALIASES)],
    axes: [...AXES],
    tasks: TASKS.length,
  };
}

declare global {
  interface Window {
    vlaRunner?: VlaRunner;
  }
}

window.vlaRunner = { init, runEpisode };
