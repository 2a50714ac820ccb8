/**
 * `run()`: the whole loop for one benchmark as resumable stages in one run directory —
 * problems → solutions → unit tests → execute → select → label → evaluate → report.
 * Each stage writes its file(s) in the directory and records itself in the run's SQLite store; a rerun
 * skips every stage whose settings and inputs are unchanged, and the execute stage resumes pair by pair.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RunProgress } from "../cli/progress.js";
import { CodermError } from "../errors.js";
import { evaluate } from "../evaluate/index.js";
import type { EvalSummary } from "../evaluate/summary-types.js";
import { loadCodetData } from "../extract/codet-data.js";
import { readSolutionsFile, readTestsFile } from "../extract/sample-files.js";
import { readJsonl, writeJsonl } from "../io/jsonl.js";
import {
  indexSamples,
  keepColumns,
  matricesFrom,
  pairId,
  planPairs,
  readDoneResults,
  runPairs,
  validTests,
} from "../matrix/pairs.js";
import { writePassMatrices } from "../matrix/results-io.js";
import {
  type Benchmark,
  type Label,
  LabelSchema,
  type Problem,
  ProblemSchema,
  type SolutionSample,
  SolutionSampleSchema,
  type UnitTestSample,
  UnitTestSampleSchema,
} from "../records.js";
import { renderHtml, renderMarkdown } from "../report/index.js";
import { formatReport, Sandbox } from "../sandbox/index.js";
import { allocateTests } from "../scaling/budget.js";
import { select } from "../select/index.js";
import { describeChoice, type Selected } from "../select/rank.js";
import { openStore, ResponseCache } from "../store/index.js";
import type { RunConfig } from "./config.js";
import { generateSolutions, generateTests } from "./generate-stage.js";
import { hasGroundTruth, labelStage } from "./label-stage.js";
import { fingerprint, Ledger } from "./ledger.js";
import { loadRunProblems } from "./problems-stage.js";

export interface RunHooks {
  progress?: RunProgress;
  signal?: AbortSignal;
}

export interface RunOutput {
  dir: string;
  selected: Selected[];
  summary: EvalSummary;
  files: Record<string, string>;
}

export const RUN_FILES = {
  config: "config.json",
  problems: "problems.jsonl",
  solutions: "solutions.jsonl",
  tests: "tests.jsonl",
  results: "results.jsonl",
  matrix: "matrix.jsonl",
  selected: "selected.jsonl",
  labels: "labels.jsonl",
  summary: "summary.json",
  reportMd: "report.md",
  reportHtml: "report.html",
  store: "store.sqlite",
} as const;

/** Write through a temporary file so a kill never leaves a half-written stage output behind. */
async function atomicJsonl(file: string, records: Iterable<unknown>): Promise<void> {
  const tmp = `${file}.tmp`;
  await writeJsonl(tmp, records);
  renameSync(tmp, file);
}

function atomicText(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

function benchmarkName(config: RunConfig): Benchmark | undefined {
  if (config.codet) return "humaneval";
  const b = config.benchmark;
  return (["humaneval+", "mbpp+", "humaneval", "livecodebench"] as const).find((x) => x === b);
}

export async function run(config: RunConfig, hooks: RunHooks = {}): Promise<RunOutput> {
  const progress = hooks.progress ?? new RunProgress("quiet");
  const dir = config.out;
  mkdirSync(dir, { recursive: true });
  const path = (k: keyof typeof RUN_FILES) => join(dir, RUN_FILES[k]);
  atomicText(path("config"), `${JSON.stringify(config, null, 2)}\n`);
  const store = openStore(path("store"));
  const ledger = new Ledger(store);
  const benchmark = benchmarkName(config);
  const checkStop = () => {
    if (hooks.signal?.aborted)
      throw new CodermError("E_INTERRUPTED", "stopped; rerun the same command to resume");
  };

  try {
    // problems (and, for a CodeT replay, the samples that come with them)
    const fpProblems = fingerprint({ benchmark: config.benchmark, codet: config.codet, limit: config.limit });
    let problems: Problem[];
    let codet: Awaited<ReturnType<typeof loadCodetData>> | undefined;
    if (ledger.isDone("problems", fpProblems) && existsSync(path("problems"))) {
      progress.begin("problems", true);
      problems = (await readJsonl(path("problems"), ProblemSchema, { strict: true })).records;
    } else {
      progress.begin("problems");
      if (config.codet) {
        codet = await loadCodetData(config.codet, { testSamples: config.m });
        problems = codet.problems;
      } else problems = await loadRunProblems(config.benchmark);
      if (config.limit) problems = problems.slice(0, config.limit);
      await atomicJsonl(path("problems"), problems);
      ledger.mark("problems", fpProblems, "done", { problems: problems.length });
    }
    const tasks = problems.map((p) => p.task_id);
    const taskSet = new Set(tasks);
    progress.note(`${problems.length} problems`);
    checkStop();

    // solutions
    const fpSolutions = fingerprint({ fpProblems, n: config.n, policy: config.policy, codet: config.codet });
    let solutions: SolutionSample[];
    if (ledger.isDone("solutions", fpSolutions) && existsSync(path("solutions"))) {
      progress.begin("solutions", true);
      solutions = (await readJsonl(path("solutions"), SolutionSampleSchema, { strict: true })).records;
    } else {
      progress.begin("solutions");
      let failed = 0;
      if (config.codet) {
        codet ??= await loadCodetData(config.codet, { testSamples: config.m });
        solutions = codet.solutions;
      } else if (config.policy.replay) {
        solutions = (await readSolutionsFile(config.policy.replay, { problems })).records;
      } else {
        const g = await generateSolutions({
          role: "policy",
          problems,
          benchmark,
          n: config.n,
          model: config.policy,
          cache: new ResponseCache(store),
          signal: hooks.signal,
          onProgress: (d, t) => progress.update(d, t),
        });
        solutions = g.records;
        failed = g.failed;
      }
      solutions = solutions.filter((s) => taskSet.has(s.task_id) && s.index < config.n);
      await atomicJsonl(path("solutions"), solutions);
      if (failed > 0) {
        progress.note(`${failed} solution samples failed after retries; rerun to ask for them again`);
        ledger.mark("solutions", fpSolutions, "started", { failed });
      } else ledger.mark("solutions", fpSolutions, "done", { solutions: solutions.length });
    }
    checkStop();

    // unit tests
    const fpTests = fingerprint({ fpSolutions, m: config.m, tester: config.tester });
    let tests: UnitTestSample[];
    if (ledger.isDone("tests", fpTests) && existsSync(path("tests"))) {
      progress.begin("tests", true);
      tests = (await readJsonl(path("tests"), UnitTestSampleSchema, { strict: true })).records;
    } else {
      progress.begin("tests");
      let failed = 0;
      if (config.codet) {
        codet ??= await loadCodetData(config.codet, { testSamples: config.m });
        tests = codet.tests;
      } else if (config.tester.replay) {
        tests = (await readTestsFile(config.tester.replay)).records;
      } else {
        // The paper embeds one model-written solution per problem; the canonical one when none extracted.
        const embed = new Map<string, string>();
        for (const s of solutions)
          if (s.solution !== null && !embed.has(s.task_id)) embed.set(s.task_id, s.solution);
        for (const p of problems)
          if (!embed.has(p.task_id) && p.canonical_solution)
            embed.set(p.task_id, p.prompt + p.canonical_solution);
        const g = await generateTests({
          role: "tester",
          problems,
          benchmark,
          n: config.m,
          model: config.tester,
          cache: new ResponseCache(store),
          embed,
          signal: hooks.signal,
          onProgress: (d, t) => progress.update(d, t),
        });
        tests = g.records;
        failed = g.failed;
      }
      // CodeT replays count m in test samples (already applied); their unit tests are the assert cases.
      tests = tests.filter(
        (t) => taskSet.has(t.task_id) && (config.codet !== undefined || t.index < config.m),
      );
      await atomicJsonl(path("tests"), tests);
      if (failed > 0) {
        progress.note(`${failed} unit-test samples failed after retries; rerun to ask for them again`);
        ledger.mark("tests", fpTests, "started", { failed });
      } else ledger.mark("tests", fpTests, "done", { tests: tests.length });
    }
    checkStop();

    // execute: results are appended as they finish; a rerun keeps them and runs only the rest
    const samples = indexSamples(solutions, tests);
    const valid = new Map(tasks.map((t) => [t, validTests(samples.tests.get(t) ?? [])]));
    const fpExec = fingerprint({
      fpTests,
      sandbox: { t: config.sandbox.timeout, a: config.sandbox.assertTimeout },
      budget: config.budget,
      allocation: config.allocation,
    });
    const execState = ledger.get("execute");
    if (execState?.fingerprint !== fpExec && existsSync(path("results"))) rmSync(path("results"));
    const results = await readDoneResults(path("results"));
    const done = new Set(results.map((r) => pairId(r)));
    let sandbox: Sandbox | undefined;
    const execute = async (plan: ReturnType<typeof planPairs>) => {
      if (plan.pairs.length + plan.decided.length === 0) return;
      if (!sandbox) {
        sandbox = await Sandbox.start({
          workers: config.sandbox.workers,
          timeout: config.sandbox.timeout,
          assertTimeout: config.sandbox.assertTimeout,
          requireIsolation: config.sandbox.requireIsolation,
          onProgress: (d, t) => progress.update(done.size + d, done.size + t),
        });
        progress.note(formatReport(sandbox.isolation).split("\n")[0] ?? "");
      }
      const sb = sandbox;
      const stop = () => sb.kill();
      hooks.signal?.addEventListener("abort", stop, { once: true });
      try {
        for (const r of await runPairs(sb, plan, path("results"))) {
          results.push(r);
          done.add(pairId(r));
        }
      } finally {
        hooks.signal?.removeEventListener("abort", stop);
      }
      checkStop();
    };
    // Which tests each problem may use: all valid ones, or its share of the budget.
    let allowed: Map<string, number[]> = valid;
    try {
      if (config.budget !== undefined) {
        progress.begin("execute");
        let probe: ReturnType<typeof matricesFrom> | undefined;
        if (config.allocation === "dynamic") {
          const first = new Map(tasks.map((t) => [t, valid.get(t)!.slice(0, 1)]));
          await execute(planPairs(samples, tasks, done, first));
          probe = matricesFrom(samples, tasks, results);
        }
        const counts = allocateTests(tasks, valid, config.budget, config.allocation, probe);
        allowed = new Map(tasks.map((t) => [t, valid.get(t)!.slice(0, counts.get(t) ?? 0)]));
        const used = [...allowed.values()].reduce((a, ids) => a + ids.length, 0);
        progress.note(
          `budget ${config.budget} tests/problem (${config.allocation}): ${used} tests allocated`,
        );
      }
      const plan = planPairs(samples, tasks, done, allowed);
      if (
        execState?.status === "done" &&
        execState.fingerprint === fpExec &&
        plan.pairs.length + plan.decided.length === 0
      ) {
        progress.begin("execute", true);
      } else {
        if (config.budget === undefined) progress.begin("execute");
        ledger.mark("execute", fpExec, "started");
        if (done.size > 0)
          progress.note(`resuming: ${done.size} pair results kept, ${plan.pairs.length} to run`);
        await execute(plan);
        ledger.mark("execute", fpExec, "done", { pairs: results.length });
        const insert = store.db.prepare(
          "INSERT OR REPLACE INTO run_results (task_id, solution, test, verdict, passed, duration_ms) VALUES (?, ?, ?, ?, ?, ?)",
        );
        store.db.transaction(() => {
          for (const r of results)
            insert.run(r.task_id, r.solution, r.test, r.verdict, r.passed ? 1 : 0, r.duration_ms ?? null);
        })();
      }
    } finally {
      await (sandbox as Sandbox | undefined)?.close();
    }
    const matrices = matricesFrom(samples, tasks, results);
    await writePassMatrices(path("matrix"), matrices);
    // Evaluation sees exactly the tests each problem was allowed, as selection does.
    const evalMatrices = new Map([...matrices].map(([t, m]) => [t, keepColumns(m, allowed.get(t) ?? [])]));

    // select
    progress.begin("select");
    const selected: Selected[] = [];
    for (const task of tasks) {
      const r = select(config.strategy, matrices.get(task)!, { tests: allowed.get(task) ?? [] });
      selected.push(describeChoice(task, r, samples));
    }
    await atomicJsonl(path("selected"), selected);
    const putSel = store.db.prepare(
      "INSERT OR REPLACE INTO run_selected (task_id, strategy, solution_index, score, why) VALUES (?, ?, ?, ?, ?)",
    );
    store.db.transaction(() => {
      for (const s of selected) putSel.run(s.task_id, s.strategy, s.index, s.score, s.why);
    })();
    checkStop();

    // label (when the benchmark has ground truth)
    let labels: Label[] = [];
    const notes: string[] = [];
    const fpLabels = fingerprint({ fpSolutions, benchmark: config.benchmark, codet: config.codet });
    if (!hasGroundTruth(problems, benchmark)) {
      notes.push("no ground truth for these problems: labels and accuracy skipped");
      progress.note(notes[0]!);
    } else if (ledger.isDone("label", fpLabels) && existsSync(path("labels"))) {
      progress.begin("label", true);
      labels = (await readJsonl(path("labels"), LabelSchema, { strict: true })).records;
    } else {
      progress.begin("label");
      ledger.mark("label", fpLabels, "started");
      labels = await labelStage({
        problems,
        solutions,
        benchmark,
        codet: Boolean(config.codet),
        file: path("labels"),
        workers: config.sandbox.workers,
        onProgress: (d, t) => progress.update(d, t),
      });
      ledger.mark("label", fpLabels, "done", { labels: labels.length });
    }
    checkStop();

    // evaluate + report
    progress.begin("evaluate");
    const byTask = new Map<string, boolean[]>();
    for (const l of labels) {
      const list = byTask.get(l.task_id) ?? [];
      list[l.index] = l.correct;
      byTask.set(l.task_id, list);
    }
    for (const [t, list] of byTask)
      byTask.set(
        t,
        Array.from(list, (v) => v ?? false),
      );
    const summary = evaluate(evalMatrices, byTask, {
      strategies: config.strategies,
      samples: config.evaluation.samples,
      seed: config.evaluation.seed,
      benchmark: config.codet ? "HumanEval (CodeT replay)" : config.benchmark,
      title: config.codet ? "HumanEval / CodeGen-16B (CodeT replay)" : config.benchmark,
      notes,
      onProgress: (d, t) => progress.update(d, t),
    });
    atomicText(path("summary"), `${JSON.stringify(summary, null, 2)}\n`);
    atomicText(path("reportMd"), renderMarkdown(summary));
    atomicText(path("reportHtml"), renderHtml(summary));
    progress.end();
    const files = Object.fromEntries(Object.entries(RUN_FILES).map(([k, f]) => [k, join(dir, f)]));
    return { dir, selected, summary, files };
  } finally {
    progress.end();
    store.close();
  }
}
