import loadMujoco, { type MainModule } from 'mujoco';

// One MuJoCo WASM instance per JS realm (worker, page or Node process); loading it costs ~100 ms.
let instance: Promise<MainModule> | null = null;

export function getMujoco(): Promise<MainModule> {
  instance ??= loadMujoco();
  return instance;
}

export type { MainModule, MjModel, MjData } from 'mujoco';
