import { useEffect } from 'react';
import { CameraViews } from './components/CameraViews';
import { ControlsBar } from './components/ControlsBar';
import { ApprovalBar, ExecutionPanel } from './components/ExecutionPanel';
import { Header } from './components/Header';
import { InstructionBar } from './components/InstructionBar';
import { Notices } from './components/Notices';
import { PerturbationPanel } from './components/PerturbationPanel';
import { ReasoningPanel } from './components/ReasoningPanel';
import { SceneView } from './components/SceneView';
import { Timeline } from './components/Timeline';
import { useSession } from './state/session/context';
import { useEpisodeStore } from './state/episodeStore';
import { usePolicyStore } from './state/policyStore';

/** Keys act on the episode unless a person is typing or using a form control that owns the key. */
function useShortcuts(): void {
  const controller = useSession();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const el = e.target as HTMLElement | null;
      const tag = el?.tagName;
      const typing = tag === 'INPUT' && (el as HTMLInputElement).type !== 'range' || tag === 'TEXTAREA' || tag === 'SELECT' || el?.isContentEditable;
      if (typing) return;
      if (e.key === 'Enter' && usePolicyStore.getState().awaiting !== null) {
        // Accepting the model's plan wins over whatever button has focus.
        e.preventDefault();
        controller.approve();
      } else if (e.key === ' ' || e.code === 'Space') {
        // A focused button would also "click" on space; the shortcut replaces that.
        e.preventDefault();
        controller.toggleRun();
      } else if (e.key === 'ArrowRight' && tag !== 'INPUT') {
        e.preventDefault();
        void controller.step();
      } else if (e.key === 'r' || e.key === 'R') {
        e.preventDefault();
        void controller.reset();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [controller]);
}

export function App() {
  useShortcuts();
  const boot = useEpisodeStore((s) => s.boot);
  const bootError = useEpisodeStore((s) => s.bootError);
  return (
    <div className="app">
      <Header />
      <InstructionBar />
      <main className="workspace">
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
        <aside className="sidebar">
          <CameraViews />
          <ReasoningPanel />
        </aside>
      </main>
      <footer className="dock">
        <ControlsBar />
        <Timeline />
      </footer>
    </div>
  );
}
