/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { PolicyCameraRenderer } from '../render/policyCameras';
import { SimSession } from './simSession';
import type { SimWorkerApi } from './protocol';

// The control loop's home in the browser: MuJoCo, the episode, the policy cameras (three.js on an
// OffscreenCanvas) and the policies (the scripted expert here; the learned model over a port straight to
// the policy worker) all live here, so the main thread only receives records and draws.

const session = new SimSession({
  transfer: (value, buffers) => Comlink.transfer(value, buffers),
  cameras: (scene) => new PolicyCameraRenderer(scene),
});
// The page starts this worker before its own bundle has loaded (src/workers/earlyWorkers.ts): begin now.
// A failure here is not kept (SimSession.prepare): the page's `init` tries once more and reports its own.
session.prepare().catch(() => undefined);

const api: SimWorkerApi = {
  // Events go out on a port of their own as plain messages: one message per record, no reply (a Comlink
  // callback would cost a call and its answer).
  init: (events) => session.init((e, transfer) => events.postMessage(e, transfer)),
  load: (req) => session.load(req),
  play: (speed) => session.play(speed),
  pause: () => session.pause(),
  setSpeed: (speed) => session.setSpeed(speed),
  step: () => session.step(),
  approve: (steps) => session.approve(steps),
  reject: () => session.reject(),
  intervene: (text) => session.intervene(text),
  setExecution: (req) => session.setExecution(req),
  connectPolicy: (port, reason) => session.connectPolicy(port, reason),
  resumeFrom: (step) => session.resumeFrom(step),
  dragStart: (d) => session.dragStart(d),
  dragMove: (t) => session.dragMove(t),
  dragEnd: () => session.dragEnd(),
  renderFrame: async (frame, step) => session.renderFrame(frame, step),
  ping: () => session.ping(),
  injectFault(kind) {
    if (kind === 'close') setTimeout(() => self.close());
    else {
      setTimeout(() => {
        throw new Error('injected fault: the simulator worker crashed');
      });
    }
  },
};

Comlink.expose(api);
