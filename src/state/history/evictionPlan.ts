// Which stored episodes make room for a new one. The history has two bounds, a count and a byte budget;
// the oldest episodes go first, and the caller names each one it removes (nothing leaves silently).

export interface HistoryBudget {
  maxEpisodes: number;
  maxBytes: number;
}

/** 50 episodes or 200 MB, whichever is reached first: well inside what browsers grant a site by default. */
export const DEFAULT_BUDGET: HistoryBudget = { maxEpisodes: 50, maxBytes: 200 * 1024 * 1024 };

export interface Stored {
  id: string;
  savedAt: number;
  bytes: number;
}

export type EvictionPlan = { fits: true; evict: string[] } | { fits: false; evict: [] };

/**
 * The ids to remove, oldest first, so that `incoming` fits. An episode saved again (same id) replaces its
 * older copy and is never evicted for itself. `fits: false` when `incoming` alone exceeds the byte budget.
 */
export function planEviction(stored: readonly Stored[], incoming: Stored, budget: HistoryBudget): EvictionPlan {
  if (incoming.bytes > budget.maxBytes) return { fits: false, evict: [] };
  const others = stored.filter((s) => s.id !== incoming.id).sort((a, b) => a.savedAt - b.savedAt || a.id.localeCompare(b.id));
  let count = others.length + 1;
  let bytes = others.reduce((n, s) => n + s.bytes, incoming.bytes);
  const evict: string[] = [];
  for (const s of others) {
    if (count <= budget.maxEpisodes && bytes <= budget.maxBytes) break;
    evict.push(s.id);
    count -= 1;
    bytes -= s.bytes;
  }
  return { fits: true, evict };
}
