// Splitting typed text into words and separators, and the edit distance the typo rule uses. Words are
// runs of Unicode letters (with their combining marks), so "Würfel" stays one word and "blau-grün" two.

export interface Word {
  /** Lower-case, NFC, apostrophes removed ("you're" -> "youre"; a possessive "'s" is dropped). */
  w: string;
  /** The word as typed. */
  raw: string;
  start: number;
  end: number;
  /** A separator: , ; . ! ? : & */
  sep?: boolean;
}

const WORD = /[\p{L}\p{M}]+(?:['\u2019\u02bc][\p{L}\p{M}]+)*|\p{N}+|[,;.!?:&]/gu;

export function words(text: string): Word[] {
  const out: Word[] = [];
  for (const m of text.matchAll(WORD)) {
    const raw = m[0];
    const start = m.index ?? 0;
    if (/^[,;.!?:&]$/.test(raw)) {
      out.push({ w: raw, raw, start, end: start + raw.length, sep: true });
      continue;
    }
    const w = raw.normalize('NFC').toLowerCase().replace(/['\u2019\u02bc]s$/u, '').replace(/['\u2019\u02bc]/gu, '');
    out.push({ w, raw, start, end: start + raw.length });
  }
  return out;
}

/** Optimal string alignment distance: Levenshtein plus adjacent swaps ("plaec" -> "place" is one edit). */
export function osa(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The word and every string one deletion from it: two words within one edit share one of these. */
export function deletions(w: string): string[] {
  return [w, ...Array.from(w, (_, i) => w.slice(0, i) + w.slice(i + 1))];
}
