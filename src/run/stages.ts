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
import { requireKnownTasks } from "../cross-checks.js";
import { labelSamples } from "../evaluate/label-samples.js";
import type { LabelExecutor } from "../evaluate/labels/index.js";
import { evaluate } from "../evaluate/summary.js";
import type { EvalSummary } from "../evaluate/summary-types.js";
import { type CodetData, loadCodetData } from "../extract/codet-data.js";
import { embeddedSolutions, readSolutionsFile, readTestsFile } from "../extract/sample-files.js";
import { readJsonl, writeJsonl } from "../io/jsonl.js";
import { withModelEnv } from "../llm/index.js";
import {
  indexSamples,
  keepColumns,
  matricesFrom,
  pairId,
  planPairs,
  readDoneResults,
  runPairs,
  type TaskSamples,
  validTests,
} from "../matrix/pairs.js";
import type { PassMatrices } from "../matrix/pass-matrix.js";
import { writePassMatrices } from "../matrix/results-io.js";
import { buildPrompts } from "../prompts/index.js";
import {
  type Label,
  LabelSchema,
  type PairResult,
  type Problem,
  ProblemSchema,
  type SolutionSample,
  SolutionSampleSchema,
  type UnitTestSample,
  UnitTestSampleSchema,
} from "../records.js";
import type { PairExecutor, Sandbox } from "../sandbox/index.js";
import { allocateTests } from "../scaling/budget.js";
import { describeChoice, type Selected } from "../select/rank.js";
import { select } from "../select/strategies.js";
import { ResponseCache, type Store } from "../store/index.js";
import type { RunConfig } from "./config.js";
import { generateSamples } from "./generate.js";
import type { Stage, StageContext, StageOutcome } from "./pipeline.js";

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

/** One sandbox per run, started when a stage first needs it, shared by execute and label. */
export interface SharedSandbox {
  get(ctx: StageContext): Promise<Sandbox>;
  /** What executes pairs: the same sandbox, or the run's `pairExecutor` (e.g. workers behind a queue). */
  pairs(ctx: StageContext): Promise<PairExecutor>;
  /** Where the sandbox's (done, total) counts go now. */
  onProgress: ((done: number, total: number) => void) | undefined;
}

export interface RunState {
  config: RunConfig;
  store: Store;
  sandbox: SharedSandbox;
  /** The resolved benchmark (undefined for a plain Problem file without a known benchmark). */
  benchmark?: BenchmarkDef;
  /** The file problems were read from (keys the expected-output cache). */
  problemsFile?: string;
  codet?: CodetData;
  problems: Problem[];
  solutions: SolutionSample[];
  tests: UnitTestSample[];
  samples: TaskSamples;
  results: PairResult[];
  /** Test ids each problem may use: every valid one, or its share of the budget. */
  allowed: Map<string, number[]>;
  matrices: PassMatrices;
  selected: Selected[];
  labels: Label[];
  notes: string[];
  summary?: EvalSummary;
}

const tasksOf = (s: RunState) => s.problems.map((p) => p.task_id);

/**
 * A replayed file's tasks must be problems of the benchmark (all of it, not only the first --limit):
 * a file from another benchmark, or with renamed tasks, would otherwise drop out of the run unseen.
 */
async function requireBenchmarkTasks(s: RunState, records: { task_id: string }[], file: string) {
  const all = s.config.limit
    ? (await resolveProblems(s.config.benchmark, { strict: true })).problems
    : s.problems;
  requireKnownTasks(records, new Set(all.map((p) => p.task_id)), file, s.config.benchmark);
}

async function codetData(s: RunState): Promise<CodetData> {
  s.codet ??= await loadCodetData(s.config.codet as string, { testSamples: s.config.m });
  return s.codet;
}

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

/** Keep a generated or replayed stage's samples of these problems and of the first `limit` indexes. */
async function finishSamples<T extends { task_id: string; index: number }>(
  s: RunState,
  ctx: StageContext,
  file: string,
  samples: T[],
  keep: (x: T) => boolean,
  failures: number,
  what: string,
): Promise<{ kept: T[]; outcome: StageOutcome }> {
  const tasks = new Set(tasksOf(s));
  const kept = samples.filter((x) => tasks.has(x.task_id) && keep(x));
  await writeJsonl(ctx.path(file), kept, { atomic: true });
  if (failures > 0) {
    ctx.note(`${failures} ${what} samples failed after retries; rerun to ask for them again`);
    return { kept, outcome: { complete: false, info: { failed: failures } } };
  }
  return { kept, outcome: { info: { [what]: kept.length } } };
}

const solutions: Stage<RunState> = {
  name: "solutions",
  after: ["problems"],
  settings: (s) => ({
    n: s.config.n,
    policy: withModelEnv("policy", s.config.policy),
    codet: s.config.codet,
  }),
  files: [RUN_FILES.solutions],
  async load(s, ctx) {
    const file = ctx.path(RUN_FILES.solutions);
    s.solutions = (await readJsonl(file, SolutionSampleSchema, { strict: true })).records;
  },
  async compute(s, ctx) {
    let got: SolutionSample[];
    let failed = 0;
    if (s.config.codet) got = (await codetData(s)).solutions;
    else if (s.config.policy.replay) {
      got = (await readSolutionsFile(s.config.policy.replay, { problems: s.problems })).records;
      await requireBenchmarkTasks(s, got, s.config.policy.replay);
    } else {
      const g = await generateSamples({
        role: "policy",
        prompts: buildPrompts(s.problems, "policy", s.benchmark?.prompts),
        n: s.config.n,
        model: s.config.policy,
        cache: new ResponseCache(s.store),
        signal: ctx.signal,
        onEvent: sampleCounter(ctx, s.problems.length * s.config.n),
      });
      got = g.samples;
      failed = g.failures.length;
    }
    const r = await finishSamples(
      s,
      ctx,
      RUN_FILES.solutions,
      got,
      (x) => x.index < s.config.n,
      failed,
      "solution",
    );
    s.solutions = r.kept;
    return r.outcome;
  },
};

function sampleCounter(ctx: StageContext, total: number) {
  let done = 0;
  return (e: { type: string }) => {
    if (e.type === "sample") ctx.progress(++done, total);
  };
}

const tests: Stage<RunState> = {
  name: "tests",
  after: ["solutions"],
  settings: (s) => ({ m: s.config.m, tester: withModelEnv("tester", s.config.tester) }),
  files: [RUN_FILES.tests],
  async load(s, ctx) {
    s.tests = (await readJsonl(ctx.path(RUN_FILES.tests), UnitTestSampleSchema, { strict: true })).records;
  },
  async compute(s, ctx) {
    let got: UnitTestSample[];
    let failed = 0;
    if (s.config.codet) got = (await codetData(s)).tests;
    else if (s.config.tester.replay) {
      got = (await readTestsFile(s.config.tester.replay)).records;
      await requireBenchmarkTasks(s, got, s.config.tester.replay);
    } else {
      // The paper embeds one model-written solution per problem (the canonical one when none extracted).
      const g = await generateSamples({
        role: "tester",
        prompts: buildPrompts(s.problems, "tester", s.benchmark?.prompts, embeddedSolutions(s.solutions), {
          onCanonical: (t) =>
            ctx.note(
              `${t.length} problems have no usable policy solution (first: ${t[0]}): their tester prompts embed the canonical solution`,
            ),
        }),
        n: s.config.m,
        model: s.config.tester,
        cache: new ResponseCache(s.store),
        signal: ctx.signal,
        onEvent: sampleCounter(ctx, s.problems.length * s.config.m),
      });
      got = g.samples;
      failed = g.failures.length;
    }
    // CodeT replays count m in test samples (already applied); their unit tests are the assert cases.
    const keep = (t: UnitTestSample) => s.config.codet !== undefined || t.index < s.config.m;
    const r = await finishSamples(s, ctx, RUN_FILES.tests, got, keep, failed, "unit-test");
    s.tests = r.kept;
    return r.outcome;
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
