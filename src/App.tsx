import { CameraViews } from './components/CameraViews';
import { ComparePane } from './components/compare/ComparePane';
import { ControlsBar } from './components/ControlsBar';
import { EpisodeHistory } from './components/EpisodeHistory';
import { ApprovalBar, ExecutionPanel } from './components/ExecutionPanel';
import { Header } from './components/Header';
import { InstructionBar } from './components/InstructionBar';
import { ShortcutSheet } from './components/keys/ShortcutSheet';
import { useShortcuts } from './components/keys/useShortcuts';
import { Notices } from './components/Notices';
import { PerturbationPanel } from './components/PerturbationPanel';
import { PlotsPanel } from './components/plots/PlotsPanel';
import { ReasoningPanel } from './components/ReasoningPanel';
import { SceneView } from './components/SceneView';
import { Timeline } from './components/Timeline';
import { useCompareStore } from './state/compare/compareStore';
import { useEpisodeStore } from './state/episodeStore';

export function App() {
  useShortcuts();
  const boot = useEpisodeStore((s) => s.boot);
  const bootError = useEpisodeStore((s) => s.bootError);
  const comparing = useCompareStore((s) => s.status !== 'closed');
  return (
    <div className="app">
      <Header />
      <InstructionBar />
      <main className={comparing ? 'workspace comparing' : 'workspace'}>
        <section className="stage" aria-label="3D scene">
          <SceneView />
          {boot === 'loading' && <div className="stage-overlay">Loading the simulator…</div>}
          {boot === 'error' && (
            <div className="stage-overlay error" role="alert">
              <strong>The simulator could not start.</strong>
              <span>{bootError}</span>
            </div>
          )}
          <ExecutionPanel />
          <PerturbationPanel />
          <ApprovalBar />
          <Notices />
        </section>
        <ComparePane />
        <aside className="sidebar">
          <CameraViews />
          <ReasoningPanel />
          <EpisodeHistory />
        </aside>
      </main>
      <footer className="dock">
        <ControlsBar />
        <PlotsPanel />
        <Timeline />
      </footer>
      <ShortcutSheet />
    </div>
  );
}
