import type { EpisodeStatus } from '../../sim/episode';
import type { HistorySummary } from './historyEntry';

// Words for a stored episode, shared by the list and the notices (an eviction names what it removed).

/**
 * An outcome in words. A stored episode that had not ended was stopped; the one being run on screen has
 * not ended yet, so it is running.
 */
export function outcomeWord(status: EpisodeStatus | 'faulted', running = false): string {
  if (status === 'running' || status === 'idle') return running ? 'running' : 'stopped';
  return status;
}

export function savedTime(savedAt: number, now = Date.now()): string {
  const d = new Date(savedAt);
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const today = new Date(now).toDateString() === d.toDateString();
  return today ? time : `${d.toLocaleDateString([], { month: 'short', day: 'numeric' })} ${time}`;
}

export function formatBytes(n: number): string {
  if (n < 1024 * 1024) return `${Math.max(1, Math.round(n / 1024))} kB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** One line that identifies an episode to a person: task, seed, policy, outcome, steps, time. */
export function describeEpisode(s: HistorySummary): string {
  return `${s.taskId} seed ${s.seed} (${s.policy}, ${outcomeWord(s.outcome.status)}, ${s.steps} steps, saved ${savedTime(s.savedAt)})`;
}
