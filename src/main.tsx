import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { controller } from './state/episodeController';
import { useEpisodeStore } from './state/episodeStore';
import { frameStats } from './state/frameStats';
import { renderQuality } from './components/renderQuality';
import './app.css';

declare global {
  interface Window {
    /** Read-only handles for end-to-end tests and the benchmark (frame timing, episode state). */
    __vla?: {
      controller: typeof controller;
      state: typeof useEpisodeStore.getState;
      frameStats: typeof frameStats;
    };
  }
}

window.__vla = { controller, state: useEpisodeStore.getState, frameStats };
// Decided once, before the address bar is rewritten with the episode's parameters.
renderQuality();
frameStats.start();
void controller.boot(location.search);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
