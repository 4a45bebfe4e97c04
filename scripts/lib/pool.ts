// One work pool for the CLIs: `lanes` workers take items in order; lane i is always the same page,
// worker thread or process slot, so a lane can hold state (a loaded model) between items.
export async function runPool<T>(items: T[], lanes: number, work: (item: T, lane: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (i: number) => {
    while (next < items.length) await work(items[next++], i);
  };
  await Promise.all(Array.from({ length: Math.max(1, lanes) }, (_, i) => lane(i)));
}
