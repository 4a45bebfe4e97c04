// One watchdog for every cross-thread call that may never answer. A worker can die loudly (an uncaught
// error, seen as an 'error' event) or silently (closed, killed for memory: its calls then never answer).
// Once a call has taken `watchAfterMs`, the worker is pinged; a worker that does not answer the ping within
// `pingDeadlineMs` is declared dead. A slow but live worker (WebGPU on a software rasteriser, a long
// synchronous WASM run) answers and is left be. Used by the main thread's policy and sim clients and by the
// sim worker's direct line to the policy worker.

export interface WatchOptions {
  watchAfterMs: number;
  pingDeadlineMs: number;
  /** Asked whether the worker is still there; resolves when it answers. */
  ping: () => Promise<unknown>;
  /** The worker stopped answering: called once, before the call rejects with `lostError`. */
  onLost: () => void;
  lostError: () => Error;
}

export interface Watched<T> {
  promise: Promise<T>;
  /** Reject the call now (the worker was found dead some other way). */
  abort(err: Error): void;
}

export function watchCall<T>(call: () => Promise<T>, o: WatchOptions): Watched<T> {
  let abort: (err: Error) => void = () => {};
  const promise = new Promise<T>((resolve, reject) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const finish = (then: () => void) => {
      if (settled) return;
      settled = true;
      if (timer !== null) clearTimeout(timer);
      then();
    };
    abort = (err) => finish(() => reject(err));
    const watch = () => {
      timer = setTimeout(() => {
        if (settled) return;
        let answered = false;
        const deadline = setTimeout(() => {
          if (answered || settled) return;
          o.onLost();
          abort(o.lostError());
        }, o.pingDeadlineMs);
        o.ping().then(
          () => {
            answered = true;
            clearTimeout(deadline);
            watch();
          },
          () => undefined,
        );
      }, o.watchAfterMs);
    };
    watch();
    call().then(
      (v) => finish(() => resolve(v)),
      (e: unknown) => abort(e instanceof Error ? e : new Error(String(e))),
    );
  });
  return { promise, abort: (err) => abort(err) };
}
