/**
 * Stages as data, and the one loop that runs them. A stage says what it is (name, the stages it reads,
 * its settings, the files it writes) and how to `load` a finished output or `compute` it; the loop owns
 * everything else: fingerprints, skipping finished stages, resuming started ones, discarding outputs a
 * changed setting made stale, the ledger, stop checks and stage events. `run()` is one list of stages;
 * other pipelines (e.g. `coderm synth`) build their own list on the same loop.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { CodermError } from "../errors.js";
import { fingerprint, type Ledger, type StageState } from "./ledger.js";

/** What a pipeline tells its caller (a CLI renders these; a library user may log them). */
export interface PipelineEvent {
  event: "stage" | "progress" | "note" | "done";
  stage?: string;
  done?: number;
  total?: number;
  message?: string;
  /** On `stage`: a previous run finished it, its output was read back. */
  skipped?: boolean;
}

export interface StageContext {
  /** The run directory. */
  dir: string;
  /** A file of the run directory. */
  path(file: string): string;
  /** This stage's fingerprint. */
  fingerprint: string;
  /** What the ledger held for this stage before this run (same fingerprint: a resumable start). */
  previous?: StageState;
  signal?: AbortSignal;
  progress(done: number, total: number): void;
  note(message: string): void;
  /** Throws `E_INTERRUPTED` once the signal has fired. */
  checkStop(): void;
}

/** What `compute` may return: leave the stage open (a rerun computes it again) and say why. */
export interface StageOutcome {
  /** False: some of the work failed and may succeed on a rerun (e.g. samples that failed after retries). */
  complete?: boolean;
  /** Kept in the ledger beside the fingerprint (counts, sources). */
  info?: Record<string, unknown>;
}

export interface Stage<S> {
  name: string;
  /** Earlier stages whose outputs this one reads: their fingerprints are part of this one's. */
  after?: readonly string[];
  /** The settings that decide this stage's output (hashed into the fingerprint). */
  settings?: (state: S) => unknown;
  /** Files (in the run directory) this stage writes; removed when its fingerprint changes. */
  files?: readonly string[];
  /** Read a finished output back into `state`; without it the stage always computes (it is cheap). */
  load?: (state: S, ctx: StageContext) => Promise<void>;
  /** Compute the output into `state`, writing its files; may resume from files a started run left. */
  compute: (state: S, ctx: StageContext) => Promise<StageOutcome | undefined>;
}

export interface PipelineOptions {
  dir: string;
  ledger: Ledger;
  signal?: AbortSignal;
  onEvent?: (e: PipelineEvent) => void;
}

/** Run `stages` in order over `state`; returns the fingerprint of every stage. */
export async function runStages<S>(
  stages: readonly Stage<S>[],
  state: S,
  o: PipelineOptions,
): Promise<Map<string, string>> {
  const fps = new Map<string, string>();
  const emit = (e: PipelineEvent) => o.onEvent?.(e);
  const checkStop = () => {
    if (o.signal?.aborted)
      throw new CodermError("E_INTERRUPTED", "stopped; rerun the same command to resume");
  };
  for (const stage of stages) {
    checkStop();
    const upstream = (stage.after ?? []).map((name) => {
      const fp = fps.get(name);
      if (fp === undefined) throw new Error(`stage ${stage.name} runs after ${name}, which has not run`);
      return fp;
    });
    const fp = fingerprint({ stage: stage.name, upstream, settings: stage.settings?.(state) ?? null });
    fps.set(stage.name, fp);
    const previous = o.ledger.get(stage.name);
    const ctx: StageContext = {
      dir: o.dir,
      path: (file) => join(o.dir, file),
      fingerprint: fp,
      ...(previous ? { previous } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      progress: (done, total) => emit({ event: "progress", stage: stage.name, done, total }),
      note: (message) => emit({ event: "note", stage: stage.name, message }),
      checkStop,
    };
    const files = (stage.files ?? []).map(ctx.path);
    const finished = previous?.status === "done" && previous.fingerprint === fp && files.every(existsSync);
    if (finished && stage.load) {
      emit({ event: "stage", stage: stage.name, skipped: true });
      await stage.load(state, ctx);
      continue;
    }
    // Output of other settings (or of no recorded run) must not leak into this one.
    if (previous?.fingerprint !== fp) for (const f of files) rmSync(f, { force: true });
    emit({ event: "stage", stage: stage.name, skipped: false });
    o.ledger.mark(stage.name, fp, "started", previous?.fingerprint === fp ? previous.info : undefined);
    const outcome = await stage.compute(state, ctx);
    o.ledger.mark(stage.name, fp, outcome?.complete === false ? "started" : "done", outcome?.info);
  }
  emit({ event: "done" });
  return fps;
}
