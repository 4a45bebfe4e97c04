import { parseUrl, buildQuery, type UrlState } from '../urlParams';
import { useEpisodeStore } from '../episodeStore';
import { usePolicyStore } from '../policyStore';

// The shareable link (docs/architecture.md, URL parameters): read once at start-up, rewritten in place
// whenever the episode on screen changes, so the address bar always reproduces it.

export class UrlSync {
  parse(search: string): UrlState {
    return parseUrl(search);
  }

  private query(): string {
    const s = useEpisodeStore.getState();
    const execution = usePolicyStore.getState().execution;
    return buildQuery({ task: s.taskId, seed: s.seed, instruction: s.instruction, policy: s.policy, perturb: s.perturb, interventions: s.interventions, execution: s.policy === 'model' ? execution : undefined, approvals: s.approvals });
  }

  update(): void {
    if (typeof history === 'undefined') return;
    const query = this.query();
    // Display options that are not part of the episode (e.g. quality) stay in the link.
    const quality = new URLSearchParams(location.search).get('quality');
    history.replaceState(null, '', quality ? `${query}&quality=${encodeURIComponent(quality)}` : query);
  }

  shareUrl(): string {
    return `${location.origin}${location.pathname}${this.query()}`;
  }
}
