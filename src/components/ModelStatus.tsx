import { progressFraction, progressText, usePolicyStore } from '../state/policyStore';

// The learned model's state in the header: a progress bar while it loads (download, cache, compile,
// warm-up), then the live backend as a badge whose tooltip says why WebGPU is or is not used.

function describeBackend(backend: string, note: string | null): string {
  if (backend === 'webgpu') return 'Inference runs on the GPU through WebGPU.';
  return `Inference runs on the CPU (WebAssembly)${note ? ` because ${note}` : ''}.`;
}

export function ModelStatus() {
  const status = usePolicyStore((s) => s.status);
  const progress = usePolicyStore((s) => s.progress);
  const backend = usePolicyStore((s) => s.backend);
  const note = usePolicyStore((s) => s.backendNote);
  const info = usePolicyStore((s) => s.info);
  const error = usePolicyStore((s) => s.error);
  const ms = usePolicyStore((s) => s.lastInferMs);
  const custom = usePolicyStore((s) => s.source !== null);

  if (status === 'loading' || status === 'restarting') {
    const f = progressFraction(progress);
    return (
      <div className="model-status loading" data-testid="model-status" data-status={status} role="status" title="The learned model loads in a worker; the expert can run meanwhile">
        <span className="model-status-text">
          {status === 'restarting' ? 'restarting · ' : ''}
          {progressText(progress)}
        </span>
        <span className="progress" aria-hidden="true">
          <span style={{ width: `${Math.round(100 * f)}%` }} />
        </span>
      </div>
    );
  }
  if (status === 'error') {
    return (
      <div className="model-status error" data-testid="model-status" data-status="error" title={error ?? ''}>
        <span className="badge danger">model unavailable</span>
        <span className="model-status-text" data-testid="model-error">
          {error}
        </span>
      </div>
    );
  }
  const mb = info ? (info.sizeBytes / 1e6).toFixed(1) : '?';
  const details = info
    ? [
        describeBackend(backend ?? 'wasm', note),
        custom ? `your model, from ${info.source}` : '',
        info.tokenizer ? '' : `reads no text${info.fixedInstruction ? `; trained for "${info.fixedInstruction}"` : ''}`,
        `${info.name}: ${info.params ? `${(info.params / 1e3).toFixed(0)}k parameters, ` : ''}${mb} MB ${info.fromCache ? 'from the browser cache' : 'downloaded'}`,
        `loaded in ${(info.loadMs / 1000).toFixed(1)} s (warm-up ${(info.warmupMs / 1000).toFixed(1)} s)`,
        ms !== null ? `last inference ${ms.toFixed(0)} ms` : '',
      ]
        .filter(Boolean)
        .join('\n')
    : '';
  return (
    <div className={`model-status ready${custom ? ' custom' : ''}`} data-testid="model-status" data-status="ready" title={details}>
      <span className={`badge backend ${backend}`} data-testid="backend-badge" data-backend={backend ?? ''}>
        {backend}
      </span>
      {custom && info && (
        <span className="badge" data-testid="model-name" title={`your model, from ${info.source}`}>
          {info.name}
        </span>
      )}
      <span className="model-status-text">
        {ms !== null ? `${ms.toFixed(0)} ms` : info?.fromCache ? 'cached' : 'ready'}
      </span>
    </div>
  );
}
