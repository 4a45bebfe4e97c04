/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { SimSession } from './simSession';
import type { SimWorkerApi } from './protocol';

// The simulator's home in the browser: MuJoCo, the episode and the scripted expert live here, so physics
// never runs on the main thread. The main thread talks to it through `simClient.ts`.

const session = new SimSession((value, buffers) => Comlink.transfer(value, buffers));

const api: SimWorkerApi = {
  init: (listener) => session.init(listener),
  load: async (req) => session.load(req),
  play: (speed) => session.play(speed),
  pause: () => session.pause(),
  setSpeed: (speed) => session.setSpeed(speed),
  step: async () => session.step(),
  execute: async (action) => session.execute(action),
  executeMany: (actions, speed) => session.executeMany(actions, speed),
  resumeFrom: async (step) => session.resumeFrom(step),
  dragStart: (d) => session.dragStart(d),
  dragMove: (t) => session.dragMove(t),
  dragEnd: () => session.dragEnd(),
  injectFault: (kind) => session.injectFault(kind),
};

Comlink.expose(api);
