/**
 * The sampling stages of `run()`: solutions and tests, generated through the llm stage or replayed from files
 * (or a CodeT release), then cut to the run's problems and `--limit`.
 */

import { resolveProblems } from "../benchmarks/index.js";
import { requireKnownTasks } from "../cross-checks.js";
import { embeddedSolutions, readSolutionsFile, readTestsFile } from "../extract/sample-files.js";
import { readJsonl, writeJsonl } from "../io/jsonl.js";
import { withModelEnv } from "../llm/index.js";
import { buildPrompts } from "../prompts/index.js";
import {
  type SolutionSample,
  SolutionSampleSchema,
  type UnitTestSample,
  UnitTestSampleSchema,
} from "../records.js";
import { ResponseCache } from "../store/index.js";
import { generateSamples } from "./generate.js";
import type { Stage, StageContext, StageOutcome } from "./pipeline.js";
import { codetData, RUN_FILES, type RunState, tasksOf } from "./run-state.js";

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

export const solutions: Stage<RunState> = {
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

export const tests: Stage<RunState> = {
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
