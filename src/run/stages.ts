/**
 * The stages of `run()`, as data for the pipeline loop: problems → solutions → tests → execute → select →
 * label → evaluate. Each reads what earlier stages put in `RunState` and adds its own output; skipping,
 * resuming and the ledger are the loop's (`pipeline.ts`).
 */

import { existsSync } from "node:fs";
import {
  type BenchmarkDef,
  findBenchmark,
  groundTruthOf,
  isBenchmarkName,
  resolveProblems,
} from "../benchmarks/index.js";
import { labelSamples } from "../evaluate/label-samples.js";
import type { LabelExecutor } from "../evaluate/labels/index.js";
import { evaluate } from "../evaluate/summary.js";
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
import type { PassMatrices } from "../matrix/pass-matrix.js";
import { writePassMatrices } from "../matrix/results-io.js";
import { LabelSchema, type Problem, ProblemSchema } from "../records.js";
import type { PairExecutor } from "../sandbox/index.js";
import { allocateTests } from "../scaling/budget.js";
import { describeChoice } from "../select/rank.js";
import { select } from "../select/strategies.js";
import type { RunConfig } from "./config.js";
import type { Stage, StageContext, StageOutcome } from "./pipeline.js";
import { codetData, RUN_FILES, type RunState, tasksOf } from "./run-state.js";
import { solutions, tests } from "./stages-samples.js";

/** The benchmark the problems belong to: CodeT replays are HumanEval; else by name or by the problems. */
function benchmarkOf(config: RunConfig, problems: readonly Problem[]): BenchmarkDef | undefined {
  if (config.codet) return findBenchmark("humaneval");
  if (isBenchmarkName(config.benchmark)) return findBenchmark(config.benchmark);
  const names = new Set(problems.map((p) => p.benchmark));
  return names.size === 1 ? findBenchmark([...names][0]) : undefined;
}

const problems: Stage<RunState> = {
  name: "problems",
  settings: (s) => ({ benchmark: s.config.benchmark, codet: s.config.codet, limit: s.config.limit }),
  files: [RUN_FILES.problems],
  async load(s, ctx) {
    s.problems = (await readJsonl(ctx.path(RUN_FILES.problems), ProblemSchema, { strict: true })).records;
    s.problemsFile = ctx.previous?.info?.source as string | undefined;
    s.benchmark = benchmarkOf(s.config, s.problems);
    ctx.note(`${s.problems.length} problems`);
  },
  async compute(s, ctx) {
    if (s.config.codet) s.problems = (await codetData(s)).problems;
    else {
      const r = await resolveProblems(s.config.benchmark, { strict: true });
      s.problems = r.problems;
      s.problemsFile = r.file;
    }
    if (s.config.limit) s.problems = s.problems.slice(0, s.config.limit);
    s.benchmark = benchmarkOf(s.config, s.problems);
    await writeJsonl(ctx.path(RUN_FILES.problems), s.problems, { atomic: true });
    ctx.note(`${s.problems.length} problems`);
    return { info: { problems: s.problems.length, ...(s.problemsFile ? { source: s.problemsFile } : {}) } };
  },
};

/**
 * Execute every allowed pair. Results are appended as they finish, so a kill loses only the pairs in
 * flight and a rerun (same fingerprint) runs only the rest. Loading a finished stage is the same call:
 * with every pair on disk it starts no sandbox.
 */
async function executePairs(s: RunState, ctx: StageContext): Promise<StageOutcome> {
  const { config } = s;
  const tasks = tasksOf(s);
  const file = ctx.path(RUN_FILES.results);
  s.samples = indexSamples(s.solutions, s.tests);
  const valid = new Map(tasks.map((t) => [t, validTests(s.samples.tests.get(t) ?? [])]));
  s.results = await readDoneResults(file);
  const done = new Set(s.results.map((r) => pairId(r)));
  const run = async (plan: ReturnType<typeof planPairs>) => {
    if (plan.pairs.length + plan.decided.length === 0) return;
    if (done.size > 0 && plan === full)
      ctx.note(`resuming: ${done.size} pair results kept, ${plan.pairs.length} to run`);
    const before = done.size;
    const executor = plan.pairs.length > 0 ? await s.sandbox.pairs(ctx) : undefined;
    s.sandbox.onProgress = (d, t) => ctx.progress(before + d, before + t);
    for (const r of await runPairs(executor as PairExecutor, plan, file, ctx.signal)) {
      s.results.push(r);
      done.add(pairId(r));
    }
    ctx.checkStop();
  };
  let full: ReturnType<typeof planPairs> | undefined;
  s.allowed = valid;
  if (config.budget !== undefined) {
    let probe: PassMatrices | undefined;
    if (config.allocation === "dynamic") {
      const first = new Map(tasks.map((t) => [t, valid.get(t)!.slice(0, 1)]));
      await run(planPairs(s.samples, tasks, done, first));
      probe = matricesFrom(s.samples, tasks, s.results);
    }
    const counts = allocateTests(tasks, valid, config.budget, config.allocation, probe);
    s.allowed = new Map(tasks.map((t) => [t, valid.get(t)!.slice(0, counts.get(t) ?? 0)]));
    const used = [...s.allowed.values()].reduce((a, ids) => a + ids.length, 0);
    ctx.note(`budget ${config.budget} tests/problem (${config.allocation}): ${used} tests allocated`);
  }
  full = planPairs(s.samples, tasks, done, s.allowed);
  await run(full);
  s.matrices = matricesFrom(s.samples, tasks, s.results);
  await writePassMatrices(ctx.path(RUN_FILES.matrix), s.matrices);
  return { info: { pairs: s.results.length } };
}

const execute: Stage<RunState> = {
  name: "execute",
  after: ["tests"],
  settings: (s) => ({
    sandbox: { t: s.config.sandbox.timeout, a: s.config.sandbox.assertTimeout },
    budget: s.config.budget,
    allocation: s.config.allocation,
  }),
  files: [RUN_FILES.results],
  load: async (s, ctx) => {
    await executePairs(s, ctx);
  },
  compute: executePairs,
};

const selectStage: Stage<RunState> = {
  name: "select",
  after: ["execute"],
  settings: (s) => ({ strategy: s.config.strategy }),
  async compute(s, ctx) {
    s.selected = tasksOf(s).map((task) =>
      describeChoice(
        task,
        select(s.config.strategy, s.matrices.get(task)!, { tests: s.allowed.get(task) ?? [] }),
        s.samples,
      ),
    );
    await writeJsonl(ctx.path(RUN_FILES.selected), s.selected, { atomic: true });
    return undefined;
  },
};

const label: Stage<RunState> = {
  name: "label",
  after: ["solutions"],
  files: [RUN_FILES.labels],
  async load(s, ctx) {
    if (!existsSync(ctx.path(RUN_FILES.labels))) return;
    s.labels = (await readJsonl(ctx.path(RUN_FILES.labels), LabelSchema, { strict: true })).records;
  },
  async compute(s, ctx) {
    const spec = groundTruthOf(s.problems, s.benchmark);
    if (!spec) {
      s.notes.push("no ground truth for these problems: labels and accuracy skipped");
      ctx.note(s.notes.at(-1)!);
      return { info: { labels: 0 } };
    }
    let count = 0;
    const r = await labelSamples(spec, s.problems, s.solutions, {
      // The run's sandbox outlives this stage: its executor must not close it.
      executor: async (): Promise<LabelExecutor> => ({
        ...(await s.sandbox.get(ctx)).executor("labels"),
        close: async () => {},
      }),
      file: ctx.path(RUN_FILES.labels),
      problemsFile: s.problemsFile,
      onLabels: (batch) => {
        count += batch.length;
        ctx.progress(count, s.solutions.length);
      },
    });
    s.labels = r.labels;
    return { info: { labels: s.labels.length } };
  },
};

const evaluateStage: Stage<RunState> = {
  name: "evaluate",
  after: ["select", "label"],
  async compute(s, ctx) {
    const byTask = new Map<string, boolean[]>();
    for (const l of s.labels) {
      const list = byTask.get(l.task_id) ?? [];
      list[l.index] = l.correct;
      byTask.set(l.task_id, list);
    }
    for (const [t, list] of byTask)
      byTask.set(
        t,
        Array.from(list, (v) => v ?? false),
      );
    // Evaluation sees exactly the tests each problem was allowed, as selection does.
    const evalMatrices = new Map(
      [...s.matrices].map(([t, m]) => [t, keepColumns(m, s.allowed.get(t) ?? [])]),
    );
    const { config } = s;
    s.summary = evaluate(evalMatrices, byTask, {
      strategies: config.strategies,
      samples: config.evaluation.samples,
      seed: config.evaluation.seed,
      benchmark: config.codet ? "HumanEval (CodeT replay)" : config.benchmark,
      title: config.codet ? "HumanEval / CodeGen-16B (CodeT replay)" : config.benchmark,
      ...(config.codet ? { testDescription: "one CodeGen-16B assert, as in CodeT" } : {}),
      notes: s.notes,
      onProgress: (d, t) => ctx.progress(d, t),
    });
    return undefined;
  },
};

/** The run, in order. */
export const RUN_STAGES: readonly Stage<RunState>[] = [
  problems,
  solutions,
  tests,
  execute,
  selectStage,
  label,
  evaluateStage,
];
