import { parseUrl, buildQuery, type UrlState } from '../urlParams';
import { useEpisodeStore } from '../episodeStore';
import { usePolicyStore } from '../policyStore';
import { useUiStore } from '../uiStore';
import { useViewCamera } from '../viewCamera';
import { viewParams } from '../viewLink';

// The shareable link (docs/architecture.md, URL parameters): read once at start-up, rewritten in place
// whenever the episode on screen changes, so the address bar always reproduces it.

export class UrlSync {
  /** The model folder the link names (kept in every rewrite); null once a dropped model replaces it. */
  model: string | null = null;

  parse(search: string): UrlState {
    const link = parseUrl(search);
    this.model = link.model;
    // Resolved here: the policy worker would resolve a relative URL against its own script's folder.
    if (link.model) usePolicyStore.setState({ source: { dir: typeof location === 'undefined' ? link.model : new URL(link.model, location.href).href } });
    return link;
  }

  private query(): string {
    const s = useEpisodeStore.getState();
    const execution = usePolicyStore.getState().execution;
    return buildQuery({ task: s.taskId, seed: s.seed, instruction: s.instruction, policy: s.policy, perturb: s.perturb, interventions: s.interventions, execution: s.policy === 'model' ? execution : undefined, approvals: s.approvals, model: this.model });
  }

  /** A dropped model replaced the link's: the link no longer names a model (it cannot carry files). */
  forgetModel(): void {
    this.model = null;
    this.update();
  }

  update(): void {
    if (typeof history === 'undefined') return;
    const query = this.query();
    // Display options that are not part of the episode (e.g. quality) stay in the link.
    const quality = new URLSearchParams(location.search).get('quality');
    history.replaceState(null, '', quality ? `${query}&quality=${encodeURIComponent(quality)}` : query);
  }

  /** The episode's link plus where the view is: the step on screen, the overlays and the 3D camera. */
  shareUrl(): string {
    const e = useEpisodeStore.getState();
    const step = e.cursor ?? e.live?.step ?? null;
    const view = viewParams({ step, ui: useUiStore.getState(), camera: useViewCamera.getState().pose });
    return `${location.origin}${location.pathname}${this.query()}&${view.toString()}`;
  }
}
