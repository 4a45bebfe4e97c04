import { tokenize } from '../policy/tokenizer';
import { useEpisodeStore } from '../state/episodeStore';
import { modelExtras } from '../policy/modelDecision';
import { usePolicyStore } from '../state/policyStore';
import { useUiStore } from '../state/uiStore';
import type { ReactNode } from 'react';
import { attentionView } from './attentionView';

// The instruction as the model reads it, word by word: words outside its vocabulary are flagged (they
// become <unk>), words past its maximum length are dropped, and each word's background shows how much
// the chosen attention query looked at it at the step on screen.

interface Word {
  text: string;
  unknown: boolean;
  truncated: boolean;
  /** Attention relative to the most-attended word (0..1), when known. */
  weight: number | null;
  share: number | null;
}

export function InstructionTokens() {
  const policy = useEpisodeStore((s) => s.policy);
  const draft = useEpisodeStore((s) => s.instructionDraft);
  const view = useEpisodeStore((s) => s.view);
  const programText = useEpisodeStore((s) => s.info?.text ?? null);
  const tok = usePolicyStore((s) => s.info?.tokenizer ?? null);
  const showAttention = useUiStore((s) => s.showAttention);
  const query = useUiStore((s) => s.attentionQuery);
  const head = useUiStore((s) => s.attentionHead);
  if (policy !== 'model') return null;
  // The row is there while the model loads, so that it does not push the page down when the model is ready.
  if (!tok) return <WordsRow note="the model is loading…" />;

  const extras = modelExtras(view?.decision);
  // What the model read at the step on screen, while the box still holds that text (or the whole sentence of
  // the program whose current step it read); else the draft.
  const fromDecision = !!extras && (extras.instruction.trim() === draft.trim() || (programText !== null && programText.trim() === draft.trim()));
  let words: Word[];
  let textShare: number | null = null;
  if (fromDecision) {
    const t = extras.tokens;
    const av = showAttention && extras.attention ? attentionView(extras.attention, query, head) : null;
    textShare = av?.share.text ?? null;
    const n = Math.min(t.words.length, av?.text?.length ?? Infinity);
    let max = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, av?.text?.[i] ?? 0);
    const unknown = new Set(t.unknown);
    words = t.words.map((w, i) => ({
      text: w,
      unknown: i < tok.max_length && unknown.has(w),
      truncated: i >= tok.max_length,
      weight: av?.text && i < n && max > 0 ? av.text[i] / max : null,
      share: av?.text && i < n ? av.text[i] : null,
    }));
  } else {
    const t = tokenize(draft, tok);
    const known = new Set(tok.vocab);
    words = t.words.map((w, i) => ({ text: w, unknown: i < tok.max_length && !known.has(w), truncated: i >= tok.max_length, weight: null, share: null }));
  }
  if (words.length === 0) return <WordsRow note="no words" />;
  const unknownCount = words.filter((w) => w.unknown).length;
  return (
    <WordsRow>
      {/* The strongest shade stays at 62% so the word on it keeps 4.5:1 contrast (axe, e2e/a11y.e2e.ts). */}
      {words.map((w, i) => (
        <span
          key={i}
          className={`word ${w.unknown ? 'unknown' : ''} ${w.truncated ? 'truncated' : ''}`}
          data-testid={w.unknown ? 'unknown-word' : 'model-word'}
          data-weight={w.weight === null ? undefined : w.weight.toFixed(3)}
          style={w.weight === null ? undefined : { background: `rgba(237, 105, 37, ${(0.06 + 0.56 * w.weight).toFixed(3)})` }}
          title={
            w.truncated
              ? 'beyond the model’s maximum instruction length: not read'
              : `${w.unknown ? 'not in the model’s vocabulary: read as <unk>. ' : ''}${w.share !== null ? `${(100 * w.share).toFixed(1)}% of the "${query}" query’s attention` : ''}`
          }
        >
          {w.text}
        </span>
      ))}
      {unknownCount > 0 && (
        <span className="model-words-note" data-testid="unknown-words-note">
          {unknownCount} unknown word{unknownCount > 1 ? 's' : ''} → &lt;unk&gt;
        </span>
      )}
      {fromDecision && showAttention && textShare !== null && (
        <span className="model-words-note muted">
          shade = “{query.replace('_', ' ')}” attention ({Math.round(100 * textShare)}% of it on words)
        </span>
      )}
    </WordsRow>
  );
}

/** The row, also before there are words to show (a note in a word's box keeps the row's height). */
function WordsRow({ children, note }: { children?: ReactNode; note?: string }) {
  return (
    <div className="model-words" data-testid="instruction-tokens" aria-label="The instruction as the model reads it">
      <span className="model-words-label" title="Lower-cased and split into words; the model's vocabulary decides which it knows">
        model reads
      </span>
      {note && <span className="word placeholder">{note}</span>}
      {children}
    </div>
  );
}
