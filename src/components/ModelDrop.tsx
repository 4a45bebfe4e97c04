import { useEffect, useRef } from 'react';
import { useSession } from '../state/session/context';
import type { EpisodeSession } from '../state/session/session';
import { pushNotice } from '../state/episodeStore';
import { readModelFiles } from './modelFiles';

// Bring your own policy as files: drop model.onnx + manifest.json anywhere on the page, or pick them with
// the button (docs/byo-policy.md). A dropped model is not in the link: a link cannot carry files.

async function loadFiles(controller: EpisodeSession, files: File[]): Promise<void> {
  try {
    const model = await readModelFiles(files);
    controller.url.forgetModel();
    if (!(await controller.model.useModel({ files: model }))) pushNotice('error', 'The dropped model could not be loaded; the header says why.');
  } catch (e) {
    pushNotice('error', `The dropped model was refused: ${(e as Error).message}`);
  }
}

export function ModelDrop() {
  const controller = useSession();
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const hasFiles = (e: DragEvent) => !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
    const over = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      void loadFiles(controller, Array.from(e.dataTransfer!.files));
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, [controller]);

  return (
    <>
      <button type="button" className="button" data-testid="model-pick" title="Load your own policy: pick (or drop on the page) model.onnx and its manifest.json" onClick={() => input.current?.click()}>
        Load model…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        accept=".onnx,.json"
        hidden
        data-testid="model-files"
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          e.target.value = '';
          if (files.length) void loadFiles(controller, files);
        }}
      />
    </>
  );
}
