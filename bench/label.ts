/**
 * `npm run bench:label [-- --data DIR] [--oracle N] [--per-task K]`: EvalPlus labels for the first K (20)
 * unique CodeGen-16B samples of every HumanEval+ task (CodeT's released generations: solution = CodeT
 * prompt + completion truncated at CodeT's stop words, joined on prompt), printing programs/s.
 *
 * "Same labels" is checked in the same run: `bench/oracles/evalplus_check.py` re-creates EvalPlus's checker
 * (one `multiprocessing.Process` per sample and input set, numpy's `allclose`, its special oracles and
 * time limits) and labels a subset (`--oracle N` programs spread over all tasks, default 300; 0 skips it);
 * its throughput is the baseline for the speed ratio (`--oracle all` runs it on every program: about
 * 5-6 minutes). It needs a Python with numpy (`CODERM_ORACLE_PYTHON`, default: the first pyenv
 * interpreter that has it).
 *
 * It also prints the time-limit floor: every input that ran into its limit (max(4 s, 4 x reference time))
 * cost that many CPU-seconds, and any labeler that gives the same labels must spend them, so
 * floor / workers is the least wall time possible on this machine. `--clock wall|cpu` (default wall, EvalPlus's),
 * `--min-time-limit S` (default 4), `--no-dedupe` (run programs that differ only in comments separately),
 * `--workers N`. Labels run in the sandbox pool (judge-side `label_evalplus` kind), as `coderm label` does.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { availableParallelism, homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_MIN_TIME_LIMIT, labelEvalPlus } from "../src/evaluate/labels/evalplus.js";
import { datasetHash, loadGroundTruth } from "../src/evaluate/labels/ground-truth.js";
import { truncateSolution } from "../src/extract/codet.js";
import { initPython, programKey } from "../src/extract/index.js";
import { CODET_FILES, readCodetSolutions } from "../src/problems/codet.js";
import { BENCHMARK_FILES, loadBenchmark } from "../src/problems/evalplus.js";
import { Sandbox } from "../src/sandbox/index.js";

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const data = flag(
  "--data",
  process.env.CODERM_DATA ?? join(import.meta.dirname, "..", "..", "shared", "data"),
);
const perTask = Number(flag("--per-task", "20"));
const oracleFlag = flag("--oracle", "300");
const oracleCount = oracleFlag === "all" ? Number.POSITIVE_INFINITY : Number(oracleFlag);
const clock = flag("--clock", "wall") as "cpu" | "wall";
// EvalPlus's --min-time-limit: 4 s since April 2025 (and in METHOD.md), 1 s in v0.3.1, 0.1 s in v0.2.
const minTimeLimit = Number(flag("--min-time-limit", String(DEFAULT_MIN_TIME_LIMIT)));
const dedupe = !args.includes("--no-dedupe");
const workers = Number(flag("--workers", String(availableParallelism())));

const codetDir = join(data, "codet");
const heFile = join(data, BENCHMARK_FILES["humaneval+"]);
for (const f of [join(codetDir, CODET_FILES.solutions), heFile]) {
  if (!existsSync(f)) {
    console.error(`bench:label: missing ${f} (set --data DIR or CODERM_DATA)`);
    process.exit(1);
  }
}
const problems = (await loadBenchmark("humaneval+", { file: heFile })).records;
const codet = await readCodetSolutions(
  join(codetDir, CODET_FILES.solutions),
  join(codetDir, CODET_FILES.solutionTasks),
  {
    extract: (raw) => ({ text: truncateSolution(raw) }),
  },
);
const requests: { task_id: string; index: number; solution: string }[] = [];
const seen = new Map<string, Set<string>>();
for (const s of codet.records) {
  if (s.solution === null) continue;
  const set = seen.get(s.task_id) ?? new Set<string>();
  seen.set(s.task_id, set);
  if (set.size >= perTask || set.has(s.solution)) continue;
  set.add(s.solution);
  requests.push({ task_id: s.task_id, index: set.size - 1, solution: s.solution });
}
console.log(
  `bench:label: ${requests.length} programs, ${seen.size} tasks (first ${perTask} unique per task)`,
);

const sandbox = await Sandbox.start({ workers });
const executor = sandbox.executor("labels");
console.log(`executor: sandbox pool (isolation ${sandbox.isolation.level}), ${workers} workers`);
let t0 = performance.now();
const truth = await loadGroundTruth(problems, "humaneval+", { executor, hash: datasetHash(heFile) });
const gtSeconds = (performance.now() - t0) / 1000;
console.log(`ground truth: ${truth.size} tasks in ${gtSeconds.toFixed(1)} s (cached after the first run)`);

t0 = performance.now();
let done = 0;
// Limits run into, per program (what a labeler that runs every text pays) and per distinct program (what
// any exact labeler pays).
let limitAll = 0;
let limitHits = 0;
const limitDistinct = new Map<string, number>();
await initPython();
const labels = await labelEvalPlus(requests, truth, {
  executor,
  clock,
  minTimeLimit,
  noDedupe: !dedupe,
  onOutcomes: (reqs, outcomes) => {
    reqs.forEach((r, i) => {
      const o = outcomes[i];
      const s = (o?.base.limit_hit ?? 0) + (o?.plus?.limit_hit ?? 0);
      if (s === 0 || r.solution === null) return;
      limitAll += s;
      limitHits += (o?.base.limit_hit ? 1 : 0) + (o?.plus?.limit_hit ? 1 : 0);
      limitDistinct.set(`${r.task_id}\u0000${programKey(r.solution)}`, s);
    });
  },
  onLabels: (ls) => {
    done += ls.length;
    if (process.stderr.isTTY) process.stderr.write(`\r${done}/${requests.length}`);
  },
});
const seconds = (performance.now() - t0) / 1000;
await executor.close();
if (process.stderr.isTTY) process.stderr.write("\n");
const ours = requests.length / seconds;
const correct = labels.filter((l) => l.correct).length;
const basePass = labels.filter((l) => l.base_status === "pass").length;
console.log(
  `coderm: ${requests.length} programs in ${seconds.toFixed(1)} s = ${ours.toFixed(1)} programs/s ` +
    `(base pass ${basePass}, base+plus pass ${correct})`,
);

const floorDistinct = [...limitDistinct.values()].reduce((a, b) => a + b, 0);
console.log(
  `time-limit floor: ${limitHits} inputs ran into their limit: ${limitAll.toFixed(0)} CPU-s over all programs, ` +
    `${floorDistinct.toFixed(0)} CPU-s over distinct ones => at least ${(floorDistinct / workers).toFixed(1)} s ` +
    `on ${workers} workers for any labeler running inputs in EvalPlus's order (${clock} clock${dedupe ? "" : ", no dedupe"})`,
);
const result: Record<string, unknown> = {
  programs: requests.length,
  seconds,
  programs_per_s: ours,
  correct,
  limit_seconds_all: limitAll,
  limit_seconds_distinct: floorDistinct,
  floor_seconds: floorDistinct / workers,
};
if (oracleCount > 0) {
  const python = oraclePython();
  if (!python) {
    console.log("oracle: skipped (no Python with numpy; set CODERM_ORACLE_PYTHON)");
  } else {
    // Spread the subset over all tasks so slow and fast tasks are both represented.
    const step = Math.max(1, Math.floor(requests.length / oracleCount));
    const subset = requests.filter((_, i) => i % step === 0).slice(0, oracleCount);
    const dir = mkdtempSync(join(tmpdir(), "coderm-bench-label-"));
    const input = join(dir, "samples.jsonl");
    writeFileSync(input, subset.map((r) => JSON.stringify(r)).join("\n"));
    const out = join(dir, "oracle.jsonl");
    const run = spawnSync(
      python,
      [join(import.meta.dirname, "oracles", "evalplus_check.py"), heFile, input, out, String(minTimeLimit)],
      {
        stdio: ["ignore", "pipe", "inherit"],
        encoding: "utf8",
        maxBuffer: 1 << 26,
      },
    );
    if (run.status !== 0) throw new Error(`oracle failed (${run.status})`);
    // Its checking time only: EvalPlus caches expected outputs too.
    const oracleSeconds = (
      JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as { oracle_check_seconds: number }
    ).oracle_check_seconds;
    const { readFileSync } = await import("node:fs");
    const want = readFileSync(out, "utf8")
      .split("\n")
      .filter(Boolean)
      .map(
        (l) => JSON.parse(l) as { task_id: string; index: number; base_status: string; plus_status: string },
      );
    const mine = new Map(labels.map((l) => [`${l.task_id}#${l.index}`, l]));
    let same = 0;
    const diffs: string[] = [];
    for (const w of want) {
      const m = mine.get(`${w.task_id}#${w.index}`);
      const wb = w.base_status === "pass" ? "pass" : "fail";
      const wp = w.plus_status === "pass" ? "pass" : "fail";
      if (m && m.base_status === wb && m.plus_status === wp) same++;
      else
        diffs.push(
          `${w.task_id}#${w.index}: evalplus ${wb}/${wp}, coderm ${m?.base_status}/${m?.plus_status}`,
        );
    }
    const oracleRate = want.length / oracleSeconds;
    console.log(
      `evalplus re-creation: ${want.length} programs in ${oracleSeconds.toFixed(1)} s = ${oracleRate.toFixed(2)} programs/s; ` +
        `labels agree on ${same}/${want.length}`,
    );
    for (const d of diffs.slice(0, 20)) console.log(`  differs: ${d}`);
    console.log(`speed-up vs evalplus re-creation: ${(ours / oracleRate).toFixed(1)}x`);
    Object.assign(result, {
      oracle_programs: want.length,
      oracle_seconds: oracleSeconds,
      oracle_agree: same,
      speedup: ours / oracleRate,
    });
  }
}
console.log(JSON.stringify(result));

function oraclePython(): string | undefined {
  const candidates = [process.env.CODERM_ORACLE_PYTHON];
  const root = join(homedir(), ".pyenv", "versions");
  if (existsSync(root))
    for (const v of readdirSync(root).sort().reverse()) candidates.push(join(root, v, "bin", "python"));
  for (const c of candidates) {
    if (!c || !existsSync(c)) continue;
    if (spawnSync(c, ["-c", "import numpy"], { stdio: "ignore" }).status === 0) return c;
  }
  return undefined;
}
