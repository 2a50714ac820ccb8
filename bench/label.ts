/**
 * `npm run bench:label [-- --benchmark humaneval+|mbpp+|both] [--limit N] [--per-task K] [--workers N]`:
 * coderm's EvalPlus labels against EvalPlus's own checker, in the same run, on the same programs.
 *
 * Programs: HumanEval+ = the first K (20) unique CodeGen-16B samples of every task (CodeT's released
 * generations: CodeT prompt + completion truncated at CodeT's stop words, joined on prompt); MBPP+ has no
 * released samples, so its candidates are the canonical solution and K-1 (7) seeded first-order mutants of it
 * (src/synth/mutants.ts: realistic near-misses, most of them wrong on some input). `--limit N` keeps N programs
 * per benchmark spread over all tasks (quick runs while developing).
 *
 * Baseline: `bench/oracles/evalplus_check.py` runs EvalPlus's own `untrusted_check` (vendored unchanged in
 * bench/oracles/evalplus) as evalplus/evaluate.py does, one process per sample and input set, on the same
 * interpreter (/usr/bin/python3, with Debian's numpy) and the same worker count. Both sides' figures are their
 * checking time with expected outputs already computed (EvalPlus caches them too; ours are cached on disk).
 * Printed per benchmark: programs/s each, the ratio, how many labels are identical (base and plus status) and
 * the first differences, with the load average before and after each side.
 *
 * `--clock wall|cpu` (default wall, EvalPlus's), `--min-time-limit S` (default 4), `--no-dedupe`,
 * `--no-oracle` (coderm alone, for profiling). Wall-clock labels depend on load: a program within a few tenths
 * of its limit may flip on either side, so compare on a quiet machine.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_MIN_TIME_LIMIT, labelEvalPlus } from "../src/evaluate/labels/evalplus.js";
import { datasetHash, loadGroundTruth } from "../src/evaluate/labels/ground-truth.js";
import { truncateSolution } from "../src/extract/codet.js";
import { initPython } from "../src/extract/index.js";
import { CODET_FILES, readCodetSolutions } from "../src/problems/codet.js";
import { BENCHMARK_FILES, loadBenchmark } from "../src/problems/evalplus.js";
import type { Problem } from "../src/records.js";
import { Sandbox } from "../src/sandbox/index.js";
import { generateMutants } from "../src/synth/mutants.js";

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const data = flag(
  "--data",
  process.env.CODERM_DATA ?? join(import.meta.dirname, "..", "..", "shared", "data"),
);
const which = flag("--benchmark", "both");
const limit = Number(flag("--limit", "0"));
const clock = flag("--clock", "wall") as "cpu" | "wall";
const minTimeLimit = Number(flag("--min-time-limit", String(DEFAULT_MIN_TIME_LIMIT)));
const dedupe = !args.includes("--no-dedupe");
const workers = Number(flag("--workers", String(availableParallelism())));
const python = process.env.CODERM_ORACLE_PYTHON ?? "/usr/bin/python3";
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");

type Req = { task_id: string; index: number; solution: string };

function spread<T>(xs: T[], n: number): T[] {
  if (n <= 0 || n >= xs.length) return xs;
  const step = xs.length / n;
  return Array.from({ length: n }, (_, i) => xs[Math.floor(i * step)] as T);
}

async function humanevalPrograms(problems: Problem[]): Promise<Req[]> {
  const perTask = Number(flag("--per-task", "20"));
  const codetDir = join(data, "codet");
  const codet = await readCodetSolutions(
    join(codetDir, CODET_FILES.solutions),
    join(codetDir, CODET_FILES.solutionTasks),
    { extract: (raw) => ({ text: truncateSolution(raw) }) },
  );
  const known = new Set(problems.map((p) => p.task_id));
  const seen = new Map<string, Set<string>>();
  const out: Req[] = [];
  for (const s of codet.records) {
    if (s.solution === null || !known.has(s.task_id)) continue;
    const set = seen.get(s.task_id) ?? new Set<string>();
    seen.set(s.task_id, set);
    if (set.size >= perTask || set.has(s.solution)) continue;
    set.add(s.solution);
    out.push({ task_id: s.task_id, index: set.size - 1, solution: s.solution });
  }
  return out;
}

function mbppPrograms(problems: Problem[]): Req[] {
  const perTask = Number(flag("--per-task", "8"));
  const out: Req[] = [];
  for (const p of problems) {
    const canonical = p.prompt + (p.canonical_solution ?? "");
    const mutants = generateMutants(canonical, { max: perTask - 1, seed: `label:${p.task_id}` }).mutants;
    [canonical, ...mutants.map((m) => m.code)].forEach((solution, index) => {
      out.push({ task_id: p.task_id, index, solution });
    });
  }
  return out;
}

async function bench(benchmark: "humaneval+" | "mbpp+", sandbox: Sandbox) {
  const file = join(data, BENCHMARK_FILES[benchmark]);
  if (!existsSync(file)) {
    console.error(`bench:label: missing ${file} (set --data DIR or CODERM_DATA)`);
    process.exit(1);
  }
  const problems = (await loadBenchmark(benchmark, { file })).records;
  const all = benchmark === "humaneval+" ? await humanevalPrograms(problems) : mbppPrograms(problems);
  const requests = spread(all, limit);
  const tasks = new Set(requests.map((r) => r.task_id));
  console.log(
    `\n${benchmark}: ${requests.length} programs over ${tasks.size} tasks` +
      (benchmark === "mbpp+" ? " (canonical solutions and their mutants)" : " (CodeGen-16B samples)"),
  );
  const executor = sandbox.executor("labels");
  let t0 = performance.now();
  const truth = await loadGroundTruth(
    problems.filter((p) => tasks.has(p.task_id)),
    benchmark,
    {
      executor,
      hash: datasetHash(file),
      onFailure: (task, why) => console.log(`  ground truth: ${task}: ${why}`),
    },
  );
  console.log(`  ground truth: ${truth.size} tasks in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const runnable = requests.filter((r) => truth.has(r.task_id));

  const loadBefore = load();
  t0 = performance.now();
  // Limits run into: any labeler giving these labels waits them out (a program that loops never says so
  // earlier), so their sum over the workers bounds both sides from below.
  let limitSeconds = 0;
  let limitHits = 0;
  const labels = await labelEvalPlus(runnable, truth, {
    executor,
    clock,
    minTimeLimit,
    noDedupe: !dedupe,
    onOutcomes: (_reqs, outcomes) => {
      for (const o of outcomes)
        for (const r of [o.base, o.plus])
          if (r?.limit_hit !== undefined) {
            limitSeconds += r.limit_hit;
            limitHits++;
          }
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const ours = runnable.length / seconds;
  console.log(
    `  coderm: ${runnable.length} programs in ${seconds.toFixed(1)} s = ${ours.toFixed(1)} programs/s, ` +
      `${labels.filter((l) => l.correct).length} correct (load ${loadBefore} -> ${load()})`,
  );
  console.log(
    `  time limits run into: ${limitHits} (distinct programs), ${limitSeconds.toFixed(0)} s => floor ${(limitSeconds / workers).toFixed(1)} s on ${workers} workers`,
  );
  if (args.includes("--no-oracle")) return undefined;

  const dir = mkdtempSync(join(tmpdir(), "coderm-bench-label-"));
  const input = join(dir, "samples.jsonl");
  writeFileSync(input, runnable.map((r) => JSON.stringify(r)).join("\n"));
  const out = join(dir, "evalplus.jsonl");
  const oracleLoad = load();
  const run = spawnSync(
    python,
    [
      join(import.meta.dirname, "oracles", "evalplus_check.py"),
      file,
      input,
      out,
      String(minTimeLimit),
      String(workers),
    ],
    { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", maxBuffer: 1 << 26 },
  );
  if (run.status !== 0) throw new Error(`evalplus_check.py failed (${run.status})`);
  const timing = JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as { oracle_check_seconds: number };
  const want = readFileSync(out, "utf8")
    .split("\n")
    .filter(Boolean)
    .map(
      (l) => JSON.parse(l) as { task_id: string; index: number; base_status: string; plus_status: string },
    );
  const rate = want.length / timing.oracle_check_seconds;
  console.log(
    `  evalplus: ${want.length} programs in ${timing.oracle_check_seconds.toFixed(1)} s = ${rate.toFixed(2)} programs/s ` +
      `(${python}, ${workers} workers; load ${oracleLoad} -> ${load()})`,
  );
  const mine = new Map(labels.map((l) => [`${l.task_id}#${l.index}`, l]));
  const pf = (s: string | undefined) => (s === "pass" ? "pass" : "fail");
  const diffs: string[] = [];
  for (const w of want) {
    const m = mine.get(`${w.task_id}#${w.index}`);
    if (!m || m.base_status !== pf(w.base_status) || m.plus_status !== pf(w.plus_status))
      diffs.push(
        `${w.task_id}#${w.index}: evalplus ${w.base_status}/${w.plus_status}, coderm ${m?.base_status}/${m?.plus_status}` +
          (m?.details ? ` (${m.details})` : ""),
      );
  }
  console.log(
    `  identical labels: ${want.length - diffs.length}/${want.length}; speed-up ${(ours / rate).toFixed(1)}x`,
  );
  for (const d of diffs.slice(0, 30)) console.log(`    differs: ${d}`);
  return {
    benchmark,
    programs: runnable.length,
    coderm_seconds: seconds,
    evalplus_seconds: timing.oracle_check_seconds,
    identical: want.length - diffs.length,
    compared: want.length,
    speedup: ours / rate,
    differing: diffs,
  };
}

await initPython();
console.log(
  `bench:label: ${workers} workers, ${clock} clock, min time limit ${minTimeLimit} s${dedupe ? "" : ", no dedupe"}; load ${load()}`,
);
const sandbox = await Sandbox.start({ workers });
console.log(`sandbox: isolation ${sandbox.isolation.level}`);
const results = [];
try {
  for (const b of which === "both" ? (["humaneval+", "mbpp+"] as const) : [which as "humaneval+" | "mbpp+"])
    results.push(await bench(b, sandbox));
  // a --no-oracle run (profiling coderm alone) has no comparison to print
} finally {
  await sandbox.close();
}
console.log(
  JSON.stringify(
    results.flatMap((r) => (r ? [{ ...r, differing: r.differing.length, differences: r.differing }] : [])),
  ),
);
