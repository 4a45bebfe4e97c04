import { parse, type ParseResult } from '../../language/parse';
import { describeResolved, type Program } from '../../language/program';
import { resolveProgram } from '../../language/resolve';
import { matchInstruction } from '../../sim/instructions';
import { DEFAULT_TASK, findTask } from '../../sim/tasks';
import type { ResolvedAtom } from '../../sim/goals';
import { isTerminal, type InterventionReply, type ProgramRequest } from '../../workers/protocol';
import { pushNotice, useEpisodeStore } from '../episodeStore';
import type { UrlState } from '../urlParams';

// From typed words to an episode. A sentence that names one of the twenty tasks loads that task (its id,
// seeds and links stay as they were); any other sentence is parsed into a program (src/language/parse.ts)
// on the layout on screen: run it, ask which reading was meant, or say why it cannot be done.

const set = useEpisodeStore.setState;
const get = useEpisodeStore.getState;

export interface InstructionHost {
  load(): Promise<void>;
  run(): Promise<void>;
  pause(): void;
  setTask(taskId: string): Promise<void>;
  /** A correction said to the episode under way (the sim worker reads and applies it). */
  intervene(text: string): Promise<InterventionReply | null>;
}

export class InstructionFlow {
  constructor(private readonly host: InstructionHost) {}

  /** What a link asks for: the task to load, the instruction to give it and whether to run. */
  fromLink(url: UrlState): { taskId: string; instruction: string; autorun: boolean; parseAfterLoad: boolean } {
    let taskId = url.task ?? DEFAULT_TASK;
    let instruction = url.instruction;
    let autorun = url.autorun;
    let parseAfterLoad = false;
    // A link naming a task that does not exist runs nothing: what it asked for cannot be done.
    if (url.task === undefined) autorun = false;
    if (url.instruction) {
      const m = matchInstruction(url.instruction);
      if (!url.task && m.best) {
        taskId = m.best.taskId;
        set({ match: m });
      } else if (url.task && m.best && m.best.taskId === url.task) {
        set({ match: m });
      } else {
        // Not one of the named tasks as worded: read it as a program on the task's layout once it is loaded.
        instruction = '';
        parseAfterLoad = true;
      }
    }
    return { taskId, instruction, autorun, parseAfterLoad };
  }

  /**
   * Understand a typed instruction and act on it: a named task loads (and runs), a program loads on the
   * layout on screen (and runs), an ambiguous one asks, an impossible one says why. Returns whether
   * something was loaded.
   */
  async submit(text: string, autorun = true): Promise<boolean> {
    // Words said while the robot is at work correct it from where it is (talk-back); before the first
    // step, or once the episode is over, they start an episode.
    const live = get().live;
    if (live && live.step > 0 && !isTerminal(live.outcome.status)) return this.correct(text);
    const m = matchInstruction(text);
    if (m.best && this.parserAgrees(text, m.best.taskId)) {
      set({ match: m, program: null, understood: null, clarification: null });
      this.host.pause();
      set({ taskId: m.best.taskId, instruction: m.text, interventions: [] });
      await this.host.load();
      if (autorun) await this.host.run();
      return true;
    }
    if (m.refused) {
      // Negation, an overlong text: refused before any reading, with the matcher's explanation.
      set({ match: m, understood: null, clarification: null });
      return false;
    }
    const init = get().info?.init;
    const r: ParseResult = init ? parse(text, init) : { kind: 'refuse', message: 'the simulator is still loading', unknownWords: [] };
    if (r.kind === 'program') {
      set({ match: null, clarification: null, understood: { steps: r.steps.map((s) => ({ text: s.text, label: describeResolved(s.resolved) })), unknownWords: r.unknownWords } });
      return this.runProgram({ program: r.program, text: text.trim() }, autorun);
    }
    if (r.kind === 'clarify') {
      set({ match: null, understood: null, clarification: { text: text.trim(), question: r.question, options: r.options } });
      return false;
    }
    // Neither a task nor a program: the parser's reason, with the closest named tasks as suggestions.
    set({ match: { ...m, message: r.message }, understood: null, clarification: null });
    return false;
  }

  /**
   * The matcher reads a sentence by its closest task and skips words it does not know; the parser reads
   * every word. Where the parser finds a program on the matched task's own layout that is not the task's
   * ("press the button twice", "the second cube from the left"), the parser's reading wins.
   */
  private parserAgrees(text: string, taskId: string): boolean {
    const spec = findTask(taskId)?.sample(get().seed);
    if (!spec) return true;
    const r = parse(text, spec.init);
    if (r.kind !== 'program') return true;
    const atoms = r.steps.map((s) => s.resolved);
    const same = (a: ResolvedAtom, b: ResolvedAtom) => a.kind === b.kind && (a.kind !== 'place' || (b.kind === 'place' && a.cube === b.cube && a.target === b.target));
    return atoms.length === spec.goals.length && atoms.every((a, i) => same(a, spec.goals[i].atom));
  }

  /**
   * A correction mid-episode: applied at the current state, or a question, or the reason it cannot be
   * done (nothing changes then). Returns whether the plan changed.
   */
  async correct(text: string): Promise<boolean> {
    const r = await this.host.intervene(text);
    if (!r) return false;
    if (r.kind === 'clarify') {
      set({ match: null, understood: null, clarification: { text: text.trim(), question: r.question, options: r.options.map((o) => ({ label: o.label, text: o.text })), correction: true } });
      return false;
    }
    if (r.kind === 'refuse') {
      pushNotice('warning', `Not changed: ${r.message}`);
      return false;
    }
    set({ match: null, clarification: null, instructionDraft: '' });
    pushNotice('info', r.message);
    return true;
  }

  /** The person picked a reading of an ambiguous instruction. */
  async choose(option: number, autorun = true): Promise<boolean> {
    const c = get().clarification;
    if (c?.correction) {
      const words = c.options[option]?.text;
      set({ clarification: null });
      return words ? this.correct(words) : false;
    }
    const init = get().info?.init;
    const chosen = c?.options[option];
    if (!c || !chosen?.program || !init) return false;
    const r = resolveProgram(chosen.program, init);
    if (!r.ok) {
      pushNotice('error', 'That reading no longer fits the table; type the instruction again.');
      return false;
    }
    set({ clarification: null, understood: { steps: r.atoms.map((a) => ({ text: describeResolved(a), label: describeResolved(a) })), unknownWords: [] } });
    return this.runProgram({ program: chosen.program, text: c.text }, autorun);
  }

  private async runProgram(req: ProgramRequest, autorun: boolean): Promise<boolean> {
    this.host.pause();
    set({ program: req, instruction: req.text, interventions: [] });
    await this.host.load();
    if (autorun) await this.host.run();
    return true;
  }

  /** A program the person edited or picked elsewhere (kept for replays of the same layout). */
  current(): Program | null {
    return get().program?.program ?? null;
  }

  /**
   * Give the learned model a text no task matched, on the task already loaded: it reads whatever it is
   * told (unknown words become <unk>); success is still judged by the loaded task.
   */
  async runTextOnCurrentTask(text: string): Promise<void> {
    const s = get();
    if (s.policy !== 'model' || !text.trim() || (s.info?.goals.length ?? 1) > 1) return;
    this.host.pause();
    set({ instruction: text.trim(), match: null, program: null, understood: null });
    await this.host.load();
    await this.host.run();
  }
}
