import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { useEpisodeStore } from './state/episodeStore';
import { frameStats } from './state/frameStats';
import { SessionProvider } from './state/session/context';
import { EpisodeSession } from './state/session/session';
import { renderQuality } from './components/renderQuality';
import './app.css';
import './phone.css';

declare global {
  interface Window {
    /** Read-only handles for end-to-end tests and the benchmark (frame timing, episode state). */
    __vla?: {
      controller: EpisodeSession;
      state: typeof useEpisodeStore.getState;
      frameStats: typeof frameStats;
      /** A world point's position on the page (set while the 3D view is mounted; src/components/GhostPathPoints.tsx). */
      project?: (p: [number, number, number]) => { x: number; y: number };
    };
  }
}

const session = new EpisodeSession();
window.__vla = { controller: session, state: useEpisodeStore.getState, frameStats };
// Decided once, before the address bar is rewritten with the episode's parameters.
renderQuality();
frameStats.start();
void session.boot(location.search);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionProvider session={session}>
      <App />
    </SessionProvider>
  </StrictMode>,
);
