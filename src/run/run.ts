/**
 * `run()`: the whole loop for one benchmark as resumable stages in one run directory (the list is in
 * `stages.ts`, the loop that skips, resumes and keeps the ledger in `pipeline.ts`). One sandbox serves
 * every stage that runs untrusted code, so `requireIsolation` covers labels too.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { checkProblemsArg } from "../benchmarks/index.js";
import { CodermError } from "../errors.js";
import type { EvalSummary } from "../evaluate/summary-types.js";
import { writeTextAtomic } from "../io/jsonl.js";
import { checkOutputDir } from "../io/output.js";
import { renderHtml, renderMarkdown } from "../report/index.js";
import { isolationLine } from "../report/isolation.js";
import { type PairExecutor, Sandbox } from "../sandbox/index.js";
import type { Selected } from "../select/rank.js";
import { openStore } from "../store/index.js";
import type { RunConfig } from "./config.js";
import { Ledger } from "./ledger.js";
import { lockRunDir } from "./lock.js";
import { type PipelineEvent, runStages } from "./pipeline.js";
import { RUN_FILES, type RunState, type SharedSandbox } from "./run-state.js";
import { RUN_STAGES } from "./stages.js";

export { RUN_FILES };

/** What a run tells a pair executor it starts (progress counts and one-line notices). */
export interface PairExecutorContext {
  onProgress: (done: number, total: number) => void;
  onNotice: (line: string) => void;
}

export interface RunHooks {
  /**
   * Execute pairs elsewhere (the CLI passes `coderm worker`s behind Redis for `sandbox.queue`); labels
   * still run in the local sandbox. Closed at the end of the run.
   */
  pairExecutor?: (config: RunConfig, ctx: PairExecutorContext) => Promise<PairExecutor>;
  /** Stage, progress and note events as the run goes (the CLI renders them). */
  onEvent?: (e: PipelineEvent) => void;
  /** Abort: the sandbox is killed at once and `run` rejects with `E_INTERRUPTED`; a rerun resumes. */
  signal?: AbortSignal;
}

export interface RunOutput {
  dir: string;
  selected: Selected[];
  summary: EvalSummary;
  files: Record<string, string>;
}

/** Refuse inputs that cannot work before anything is written (no run directory for a typo). */
function checkInputs(config: RunConfig): void {
  if (!config.codet) {
    checkProblemsArg(config.benchmark);
    return;
  }
  if (!existsSync(config.codet) || !statSync(config.codet).isDirectory())
    throw new CodermError("E_BAD_INPUT", "not a directory (CodeT's released generations)", "--codet");
}

function lazySandbox(config: RunConfig, hooks: RunHooks): SharedSandbox & { close(): Promise<void> } {
  const { signal } = hooks;
  let started: Promise<Sandbox> | undefined;
  let remote: Promise<PairExecutor> | undefined;
  const shared: SharedSandbox & { close(): Promise<void> } = {
    onProgress: undefined,
    get(ctx) {
      started ??= Sandbox.start({
        workers: config.sandbox.workers,
        timeout: config.sandbox.timeout,
        assertTimeout: config.sandbox.assertTimeout,
        requireIsolation: config.sandbox.requireIsolation,
        onProgress: (d, t) => shared.onProgress?.(d, t),
      }).then((sb) => {
        ctx.note(isolationLine(sb.isolation));
        signal?.addEventListener("abort", () => sb.kill(), { once: true });
        return sb;
      });
      return started;
    },
    pairs(ctx) {
      if (!config.sandbox.queue) return shared.get(ctx);
      if (!hooks.pairExecutor) {
        throw new CodermError(
          "E_CONFIG",
          "sandbox.queue needs a queue executor: run it with `coderm run`, or pass hooks.pairExecutor",
          "sandbox.queue",
        );
      }
      remote ??= hooks
        .pairExecutor(config, { onProgress: (d, t) => shared.onProgress?.(d, t), onNotice: ctx.note })
        .then((ex) => {
          if (config.sandbox.requireIsolation && ex.isolation?.level !== "strong") {
            void ex.close();
            throw new CodermError(
              "E_ISOLATION",
              "queue workers' isolation is weak or unknown; start them with --require-isolation",
            );
          }
          return ex;
        });
      return remote;
    },
    async close() {
      const ex = await remote?.catch(() => undefined);
      await ex?.close();
      const sb = await started?.catch(() => undefined);
      await sb?.close();
    },
  };
  return shared;
}

export async function run(config: RunConfig, hooks: RunHooks = {}): Promise<RunOutput> {
  checkInputs(config);
  const dir = config.out;
  // A file given as the run directory, or a read-only one: one line now, before any work.
  checkOutputDir(dir);
  // Before anything is written: a second run on the same directory would append every row twice.
  const lock = lockRunDir(dir, "coderm run");
  const path = (k: keyof typeof RUN_FILES) => join(dir, RUN_FILES[k]);
  let store: ReturnType<typeof openStore> | undefined;
  let sandbox: ReturnType<typeof lazySandbox> | undefined;
  try {
    writeTextAtomic(path("config"), `${JSON.stringify(config, null, 2)}\n`);
    store = openStore(path("store"));
    sandbox = lazySandbox(config, hooks);
    const state = { config, store, sandbox, notes: [], labels: [] } as unknown as RunState;
    await runStages(RUN_STAGES, state, {
      dir,
      ledger: new Ledger(store),
      signal: hooks.signal,
      onEvent: hooks.onEvent,
    });
    const summary = state.summary as EvalSummary;
    writeTextAtomic(path("summary"), `${JSON.stringify(summary, null, 2)}\n`);
    writeTextAtomic(path("reportMd"), renderMarkdown(summary));
    writeTextAtomic(path("reportHtml"), renderHtml(summary));
    const files = Object.fromEntries(Object.entries(RUN_FILES).map(([k, f]) => [k, join(dir, f)]));
    return { dir, selected: state.selected, summary, files };
  } finally {
    await sandbox?.close();
    store?.close();
    lock.release();
  }
}
