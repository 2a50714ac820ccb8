/**
 * EvalPlus expected outputs: the canonical solution run on base and plus inputs (in the sandbox), with the
 * reference time of every input. Like EvalPlus's `get_groundtruth`, computed once and cached on disk,
 * keyed by the MD5 of the uncompressed dataset file, so an edited dataset never reuses stale outputs.
 */
import { createHash } from "node:crypto";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { CodermError } from "../../errors.js";
import { type EvalPlusBenchmark, formatEvalPlusProblem } from "../../problems/evalplus.js";
import type { Problem } from "../../records.js";
import { type LabelExecutor, runAll } from "./executor.js";

/** The judge-side harness kind (src/sandbox/harness/kinds/label_evalplus.py): expected outputs stay in the judge. */
export const EVALPLUS_KIND = "label_evalplus";

/** What the sandbox returned for one task: an opaque pickle the check jobs get back, plus timings. */
export interface GroundTruth {
  task_id: string;
  /** Pickle of inputs, expected outputs and reference times (only Python reads it). */
  path: string;
  /** Sum of reference times per input set, seconds. */
  seconds: { base: number; plus: number };
  count: { base: number; plus: number };
}

/** EvalPlus's dataset name for its special oracles. */
export function evalplusDataset(benchmark: EvalPlusBenchmark): "humaneval" | "mbpp" {
  if (benchmark === "mbpp+") return "mbpp";
  return "humaneval";
}

/** MD5 of the dataset's uncompressed bytes (what EvalPlus's `get_*_plus_hash` computes). */
export function datasetHash(file: string): string {
  let bytes = readFileSync(file);
  if (file.endsWith(".gz")) bytes = gunzipSync(bytes);
  return createHash("md5").update(bytes).digest("hex");
}

/**
 * What a check job needs to find the ground truth: a path when jobs can open host files or the executor
 * can share one with them, else the bytes inline (HumanEval/15's are ~270 MB as base64, per job).
 */
export function truthRef(g: GroundTruth, executor: LabelExecutor): Record<string, string> {
  if (executor.hostFiles) return { blob_path: g.path };
  if (executor.share) return { blob_path: executor.share(g.path) };
  return { blob: readFileSync(g.path).toString("base64") };
}

export function defaultCacheDir(): string {
  return process.env.CODERM_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "coderm");
}

export interface GroundTruthOptions {
  executor: LabelExecutor;
  /** Cache directory (default `$CODERM_CACHE` or `~/.cache/coderm`); null = a fresh temporary one. */
  cacheDir?: string | null;
  /** Key of the dataset version (see `datasetHash`); required for caching. */
  hash?: string;
  /**
   * Per-task limit for running the canonical solution, ms (default 600 000). EvalPlus sets none: this one only
   * stops a canonical solution that never ends from holding a worker for ever.
   */
  timeoutMs?: number;
  onTask?: (taskId: string, cached: boolean) => void;
  /**
   * A task whose canonical solution failed (raised, crashed, ran out of time): told here and left out of the
   * result, and every other task is still computed. Without it the first failure throws.
   */
  onFailure?: (taskId: string, reason: string) => void;
}

/**
 * Expected outputs for every problem, from the cache when present. Problems need their raw inputs
 * (`base_input_json`, kept by `loadBenchmark`) so Python sees exactly the released values.
 */
export async function loadGroundTruth(
  problems: readonly Problem[],
  benchmark: "humaneval+" | "mbpp+",
  options: GroundTruthOptions,
): Promise<Map<string, GroundTruth>> {
  const out = new Map<string, GroundTruth>();
  const dir =
    options.cacheDir !== null && options.hash
      ? join(options.cacheDir ?? defaultCacheDir(), "evalplus", `${benchmark}-${options.hash}-v4`)
      : mkdtempSync(join(tmpdir(), "coderm-gt-"));
  mkdirSync(dir, { recursive: true });
  const index = join(dir, "index.jsonl");
  if (existsSync(index)) {
    for (const line of readFileSync(index, "utf8").split("\n")) {
      if (!line) continue;
      try {
        const g = JSON.parse(line) as GroundTruth;
        if (existsSync(g.path)) out.set(g.task_id, g);
      } catch {
        // A torn last line from an interrupted run: that task is recomputed.
      }
    }
  }
  const todo = problems.filter((p) => !out.has(p.task_id));
  for (const p of problems) if (out.has(p.task_id)) options.onTask?.(p.task_id, true);
  const dataset = evalplusDataset(benchmark);
  const timeoutMs = options.timeoutMs ?? 600_000;
  await runAll(todo, options.executor.concurrency, async (p) => {
    if (p.canonical_solution === undefined) {
      throw new CodermError("E_NO_GROUND_TRUTH", "no canonical_solution", p.task_id);
    }
    const task = formatEvalPlusProblem(p, benchmark);
    const path = join(dir, `${p.task_id.replace(/[^A-Za-z0-9_.-]/g, "_")}.pkl`);
    const r = await options.executor.run(
      {
        kind: EVALPLUS_KIND,
        op: "evalplus_expected",
        dataset,
        task,
        ...(options.executor.hostFiles ? { out_path: path } : {}),
      },
      timeoutMs,
    );
    if (!r.ok) {
      const why = /^timeout$|^crash: worker silent/.test(r.error)
        ? `timeout after ${(timeoutMs / 1000).toFixed(0)} s`
        : r.error;
      const reason = `canonical solution failed: ${why}`;
      if (!options.onFailure) throw new CodermError("E_SANDBOX", reason, p.task_id);
      options.onFailure(p.task_id, reason);
      return;
    }
    const res = r.result as Omit<GroundTruth, "task_id" | "path"> & { blob: string | null };
    if (res.blob !== null) {
      writeFileSync(`${path}.tmp`, Buffer.from(res.blob, "base64"));
      renameSync(`${path}.tmp`, path);
    }
    const g: GroundTruth = { task_id: p.task_id, path, seconds: res.seconds, count: res.count };
    out.set(p.task_id, g);
    appendFileSync(index, `${JSON.stringify(g)}\n`);
    options.onTask?.(p.task_id, false);
  });
  return out;
}
