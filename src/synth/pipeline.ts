/**
 * `synth()`: training data for a unit-test model, as resumable stages in one directory —
 * questions → generate (teacher) → filter on the ground truth → weak solutions → labels → execute weak ×
 * kept → mutants → probes → score + filters → export → report. The stage list is `stages.ts`; the loop that
 * skips finished stages, resumes started ones and keeps the ledger is the run's (`src/run/pipeline.ts`).
 * One sandbox serves every stage that runs code.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { initPython } from "../extract/index.js";
import { writeTextAtomic } from "../io/jsonl.js";
import { checkOutputDir } from "../io/output.js";
import { isolationLine } from "../report/isolation.js";
import { Ledger } from "../run/ledger.js";
import { lockRunDir } from "../run/lock.js";
import { type PipelineEvent, runStages } from "../run/pipeline.js";
import { Sandbox } from "../sandbox/index.js";
import { openStore } from "../store/index.js";
import type { SynthConfig } from "./config.js";
import { SYNTH_FILES, SYNTH_STAGES, type SynthState } from "./stages.js";
import type { SynthSummary } from "./summary.js";

export { type DropReason, type FilterRecord, type MutantRecord, SYNTH_FILES } from "./stages.js";

export interface SynthHooks {
  /** Stage, progress and note events (the CLI renders them). */
  onEvent?: (e: PipelineEvent) => void;
  /** Abort: the sandbox is killed at once and `synth` rejects with `E_INTERRUPTED`; a rerun resumes. */
  signal?: AbortSignal;
}

export interface SynthOutput {
  dir: string;
  summary: SynthSummary;
  files: Record<string, string>;
}

export async function synth(config: SynthConfig, hooks: SynthHooks = {}): Promise<SynthOutput> {
  const dir = config.out;
  // A file given as the directory, or a read-only one: one line now, before any work.
  checkOutputDir(dir);
  mkdirSync(join(dir, "eval"), { recursive: true });
  mkdirSync(join(dir, SYNTH_FILES.exportDir), { recursive: true });
  // Before anything is written: two syntheses in one directory would append every row twice.
  const lock = lockRunDir(dir, "coderm synth");
  let store: ReturnType<typeof openStore>;
  try {
    writeTextAtomic(join(dir, SYNTH_FILES.config), `${JSON.stringify(config, null, 2)}\n`);
    store = openStore(config.store ?? join(dir, SYNTH_FILES.store));
  } catch (e) {
    lock.release();
    throw e;
  }
  let started: Promise<Sandbox> | undefined;
  let progress: ((d: number, t: number) => void) | undefined;
  const state: SynthState = {
    config,
    store,
    sandbox: (ctx) => {
      progress = ctx.progress;
      started ??= Sandbox.start({
        workers: config.sandbox.workers,
        timeout: config.sandbox.timeout,
        requireIsolation: config.sandbox.requireIsolation,
        onProgress: (d, t) => progress?.(d, t),
      }).then((sb) => {
        ctx.note(isolationLine(sb.isolation));
        hooks.signal?.addEventListener("abort", () => sb.kill(), { once: true });
        return sb;
      });
      return started;
    },
    questions: [],
    questionInfo: {},
    byId: new Map(),
    tests: [],
    filter: [],
    kept: new Map(),
    testText: new Map(),
    weak: [],
    labels: [],
    labelOf: new Map(),
    weakResults: new Map(),
    mutants: new Map(),
    mutantStats: {},
    mutantResults: new Map(),
    mutantRecords: [],
    scores: [],
    matrices: new Map(),
    evalLabels: [],
    exportFiles: {},
  };
  try {
    await initPython(); // mutants and test descriptions parse Python in every stage, resumed or not
    await runStages(SYNTH_STAGES, state, {
      dir,
      ledger: new Ledger(store),
      ...(hooks.signal ? { signal: hooks.signal } : {}),
      ...(hooks.onEvent ? { onEvent: hooks.onEvent } : {}),
    });
  } finally {
    await (await started?.catch(() => undefined))?.close();
    store.close();
    lock.release();
  }
  const files: Record<string, string> = Object.fromEntries(
    Object.entries(SYNTH_FILES).map(([k, f]) => [k, join(dir, f)]),
  );
  return { dir, summary: state.summary as SynthSummary, files: { ...files, ...state.exportFiles } };
}
