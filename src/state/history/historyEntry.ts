import type { ApprovalAnswer } from '../../engine/approvals';
import type { AxisSetting } from '../../sim/axes';
import type { EpisodeStatus } from '../../sim/episode';
import type { PolicySource, ProgramRequest, StepRecord } from '../../workers/protocol';
import type { ExecutionSettings } from '../policyStore';

// One episode as the history keeps it: what reproduces it (the link's parameters) and what was seen (its
// step records). The summary is what the list shows; the records are read only when an episode is opened,
// so listing fifty episodes does not pull hundreds of megabytes into memory.

/** The link's parameters of an episode (docs/architecture.md, URL parameters). */
export interface EpisodeParams {
  taskId: string;
  seed: number;
  instruction: string;
  program: ProgramRequest | null;
  policy: PolicySource;
  perturb: AxisSetting[];
  interventions: Array<{ step: number; text: string; message: string }>;
  approvals: ApprovalAnswer[];
  execution: ExecutionSettings;
}

/** Whether the records carry the policy cameras' pixels (the model's exact input at its inference steps). */
export type ImagesKept = 'kept' | 'dropped' | 'none';

export interface HistorySummary extends EpisodeParams {
  id: string;
  /** When the episode was last saved (ms since the epoch). */
  savedAt: number;
  /** The instruction as the episode read it (the task's sampled wording or the typed sentence). */
  label: string;
  outcome: { status: EpisodeStatus | 'faulted'; reason: string | null };
  /** Control steps executed (the last record's step). */
  steps: number;
  /** Estimated stored size, counted against the history's byte budget. */
  bytes: number;
  images: ImagesKept;
}

export interface HistoryEntry extends HistorySummary {
  records: StepRecord[];
}

/**
 * A close estimate of what a value costs in IndexedDB's structured clone: typed arrays by their bytes,
 * strings at two bytes a character, numbers at eight. Exact sizes are not observable from a page.
 */
export function estimateBytes(v: unknown): number {
  if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean') return 8;
  if (typeof v === 'string') return 2 * v.length;
  if (ArrayBuffer.isView(v)) return v.byteLength;
  if (v instanceof ArrayBuffer) return v.byteLength;
  if (Array.isArray(v)) {
    let n = 8;
    for (const x of v) n += estimateBytes(x);
    return n;
  }
  if (typeof v === 'object') {
    let n = 8;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) n += 2 * k.length + estimateBytes(x);
    return n;
  }
  return 8;
}

export const hasImages = (records: readonly StepRecord[]) => records.some((r) => r.images !== null);

/** The records without camera pixels (the camera views render a record's frame when it has none). */
export const withoutImages = (records: readonly StepRecord[]): StepRecord[] => records.map((r) => (r.images ? { ...r, images: null } : r));

export function summaryOf(entry: HistoryEntry): HistorySummary {
  const summary: HistorySummary & { records?: StepRecord[] } = { ...entry };
  delete summary.records;
  return summary;
}

export function entryFrom(id: string, params: EpisodeParams, label: string, records: readonly StepRecord[], faulted: string | null, savedAt: number): HistoryEntry {
  const last = records[records.length - 1];
  const list = records.slice();
  const entry: HistoryEntry = {
    ...params,
    id,
    savedAt,
    label,
    outcome: faulted ? { status: 'faulted', reason: faulted } : { status: last.outcome.status, reason: last.outcome.reason },
    steps: last.step,
    bytes: 0,
    images: hasImages(list) ? 'kept' : 'none',
    records: list,
  };
  entry.bytes = estimateBytes(entry);
  return entry;
}
