import { startSimWorkerEarly } from './workers/earlyWorkers';

// The page's first module is this small one: it starts the simulator worker, which loads MuJoCo and the
// policy cameras on the other core while the app's bundle (React, three.js) is fetched and parsed.
startSimWorkerEarly();
import('./mountApp').catch((err: unknown) => {
  const root = document.getElementById('root');
  if (root) root.textContent = `The app could not be loaded (${err instanceof Error ? err.message : String(err)}). Reload the page to try again.`;
});
