import { matchInstruction } from '../../sim/instructions';
import { DEFAULT_TASK } from '../../sim/tasks';
import { pushNotice, useEpisodeStore } from '../episodeStore';
import type { UrlState } from '../urlParams';

// From typed words to an episode: match an instruction to a task (or explain why not), load it, run it.

const set = useEpisodeStore.setState;
const get = useEpisodeStore.getState;

export interface InstructionHost {
  load(): Promise<void>;
  run(): Promise<void>;
  pause(): void;
  setTask(taskId: string): Promise<void>;
}

export class InstructionFlow {
  constructor(private readonly host: InstructionHost) {}

  /** What a link asks for: the task to load, the instruction to give it and whether to run. */
  fromLink(url: UrlState): { taskId: string; instruction: string; autorun: boolean } {
    let taskId = url.task ?? DEFAULT_TASK;
    let instruction = url.instruction;
    let autorun = url.autorun;
    // A link naming a task that does not exist runs nothing: what it asked for cannot be done.
    if (url.task === undefined) autorun = false;
    if (url.instruction) {
      const m = matchInstruction(url.instruction);
      set({ match: m });
      if (!url.task) {
        if (m.best) taskId = m.best.taskId;
        else {
          // Show the message and the suggestions; do not run something the link did not ask for.
          instruction = '';
          autorun = false;
        }
      } else if (m.best && m.best.taskId !== url.task) {
        pushNotice('warning', `The instruction reads like "${m.best.title}", but the link asks for ${url.task}; running ${url.task} with the typed instruction.`);
      }
    }
    return { taskId, instruction, autorun };
  }

  /** Match the typed instruction to a task; on a match, load it and run. Returns whether it matched. */
  async submit(text: string, autorun = true): Promise<boolean> {
    const m = matchInstruction(text);
    set({ match: m });
    if (!m.best) return false;
    this.host.pause();
    set({ taskId: m.best.taskId, instruction: m.text });
    await this.host.load();
    if (autorun) await this.host.run();
    return true;
  }

  /**
   * Give the learned model a text no task matched, on the task already loaded: it reads whatever it is
   * told (unknown words become <unk>); success is still judged by the loaded task.
   */
  async runTextOnCurrentTask(text: string): Promise<void> {
    const s = get();
    if (s.policy !== 'model' || !text.trim() || (s.info?.goals.length ?? 1) > 1) return;
    this.host.pause();
    set({ instruction: text.trim(), match: null });
    await this.host.load();
    await this.host.run();
  }
}
