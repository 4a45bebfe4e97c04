import { modelExtras } from '../policy/modelDecision';
import { useEpisodeStore } from '../state/episodeStore';
import { useUiStore } from '../state/uiStore';
import { attentionView, heatColor } from './attentionView';
import { InfoButton } from './InfoButton';

// What the attention read-outs in the camera views and the confidences in the reasoning panel mean, on the
// page, and the heatmap's colour scale.

// The light table the cameras mostly see: the ramp is shown over it, as the heatmap is over the pixels.
const TABLE = '#d8cdbd';

const RAMP = Array.from({ length: 11 }, (_, i) => {
  const [r, g, b, a] = heatColor(i / 10);
  return `rgba(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)}, ${(a / 255).toFixed(3)}) ${i * 10}%`;
}).join(', ');

/** The heatmap's scale: see-through for little attention, pale yellow for the most; `max` is that top. */
export function HeatmapColorbar({ max }: { max: number }) {
  const top = `${(100 * max).toFixed(max >= 0.1 ? 0 : 1)}%`;
  return (
    <div className="heatmap-colorbar" data-testid="heatmap-colorbar">
      <span>low</span>
      <span
        className="heatmap-colorbar-ramp"
        role="img"
        aria-label={`Attention colour scale: clear for little attention, through red and orange, to pale yellow for the most (${top} of the query's attention on one patch)`}
        style={{ background: `linear-gradient(90deg, ${RAMP}), ${TABLE}` }}
      />
      <span>high ({top} per patch, both cameras)</span>
    </div>
  );
}

/** The colour bar under the camera views, while a heatmap is drawn on them. */
export function AttentionScale() {
  const view = useEpisodeStore((s) => s.view);
  const show = useUiStore((s) => s.showAttention);
  const query = useUiStore((s) => s.attentionQuery);
  const head = useUiStore((s) => s.attentionHead);
  const att = modelExtras(view?.decision)?.attention;
  const av = att && show ? attentionView(att, query, head) : null;
  return av && av.imageMax > 0 ? <HeatmapColorbar max={av.imageMax} /> : null;
}

export function AttentionInfo() {
  return (
    <InfoButton>
      <p>
        <b>Attention</b>: how much one of the model&apos;s query tokens (the one that decides the action, the plan, …)
        read from each part of its input: image patches, keypoints, instruction words and the robot&apos;s own state.
        The heatmap colours each image patch; both cameras share one scale.
      </p>
      <p>
        <b>Head</b>: one layer and head, the <b>mean</b> over all of them, or the <b>rollout</b>: layers summed with
        later ones weighted more, since each layer adds what it read to what the query already holds. Rollout is one
        picture of what reached the output through all the layers.
      </p>
      <p>
        <b>Keypoints</b> (rings): points the model extracts from each image (spatial softmax) and reads as coordinates;
        a larger, brighter ring was read more.
      </p>
      <p>
        <b>Proprio share</b>: the part of the query&apos;s attention on proprioception, the arm&apos;s joint and gripper
        state. High means the model relies on where the arm is, not on what it sees.
      </p>
    </InfoButton>
  );
}

export function ConfidenceInfo() {
  return (
    <InfoButton>
      <p>
        <b>Confidence</b>: the model&apos;s probability for the plan, subtask and move it chose (its softmax over the
        choices). Green is 80% or more, amber 50–80%, red under 50%. It is the model&apos;s own estimate, not a measure of
        being right: compare with the expert labels to see that.
      </p>
    </InfoButton>
  );
}
