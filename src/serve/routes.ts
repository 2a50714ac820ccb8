/** The native API (/v1/*) and OpenRLHF's /get_reward, over the server's shared state. */
import type { Context, Hono } from "hono";
import { CodermError } from "../errors.js";
import type { TestFormat } from "../records.js";
import type { PairExecutor } from "../sandbox/index.js";
import { body, HttpError } from "./_http.js";
import { type GroupBarrier, GroupMismatch } from "./groups.js";
import type { ServeMetrics } from "./metrics.js";
import { type ProgramRunner, runCode } from "./run-code.js";
import {
  GetRewardRequest,
  InlineSuite,
  RewardRequest,
  RunCodeRequest,
  ScoreRequest,
  SuiteRequest,
} from "./schemas.js";
import type { ScoreJob, score } from "./score.js";
import { solutionCode } from "./solution-code.js";
import { SubmitRequest, submit } from "./submit.js";
import type { Suite, SuiteStore, TestGenerator } from "./suites.js";

export interface RouteCtx {
  executor: PairExecutor;
  programs?: ProgramRunner;
  suites: SuiteStore;
  barrier: GroupBarrier;
  metrics: ServeMetrics;
  memoryStatus?: boolean;
  generateTests?: TestGenerator;
  deadlineMs?: number;
  /** Admit `pairs` against the global bound for the duration of `work` (429 when full, 503 when draining). */
  admitted<T>(
    c: Context,
    pairs: number,
    deadlineMs: number | undefined,
    work: (s: AbortSignal) => Promise<T>,
  ): Promise<T>;
  run(job: ScoreJob, signal: AbortSignal): ReturnType<typeof score>;
}

function resolveTests(
  ctx: RouteCtx,
  req: { tests?: Suite["tests"]; suite_id?: string; format?: TestFormat },
): Suite {
  if (req.tests) return { tests: req.tests, format: req.format ?? "unittest" };
  const s = ctx.suites.get(req.suite_id ?? "");
  if (!s) throw new HttpError(404, `suite_id: unknown suite "${req.suite_id}"`);
  if (req.format && req.format !== s.format) throw new HttpError(400, `format: suite is ${s.format}`);
  return s;
}

// Long: the route table of the native API; each route is a short handler over the shared RouteCtx.
export function nativeRoutes(app: Hono, ctx: RouteCtx): void {
  app.post("/v1/suites", async (c) => {
    const req = await body(c, SuiteRequest);
    if (req.tests)
      return c.json({ suite_id: ctx.suites.put({ ...req, tests: req.tests }), tests: req.tests.length });
    const g = req.generate!;
    const generate = ctx.generateTests;
    if (!generate)
      throw new HttpError(501, "generate: this server was started without a tester model client");
    const signal = AbortSignal.any([c.req.raw.signal, AbortSignal.timeout(ctx.deadlineMs ?? 300_000)]);
    let got: Awaited<ReturnType<TestGenerator>>;
    try {
      got = await generate({
        problem: req.problem!,
        solution: g.solution,
        model: g.model,
        baseUrl: g.base_url,
        m: g.m,
        apiKey: g.api_key,
        signal,
      });
    } catch (e) {
      if (signal.aborted) throw e;
      // The model server's failure is a bad gateway, said in one line (E_SERVER names what came back).
      if (e instanceof CodermError) throw new HttpError(502, `generate: ${e.message}`);
      throw e;
    }
    const suite_id = ctx.suites.put({ problem: req.problem, tests: got.tests, format: "unittest" });
    return c.json({
      suite_id,
      tests: got.tests.length,
      generated: {
        model: got.model,
        asked: got.asked,
        kept: got.tests.length,
        rejected: got.rejected,
        failures: got.failures,
      },
    });
  });

  app.post("/v1/score", async (c) => {
    const req = await body(c, ScoreRequest);
    const suite = resolveTests(ctx, req);
    const job: ScoreJob = { ...suite, solutions: req.solutions, strategy: req.strategy };
    const out = await ctx.admitted(c, req.solutions.length * suite.tests.length, req.deadline_ms, (signal) =>
      ctx.run(job, signal),
    );
    return c.json(out);
  });

  app.post("/v1/reward", async (c) => {
    const req = await body(c, RewardRequest);
    const solution = solutionCode(req.solution);
    if (req.cases)
      return c.json(await stdinReward(c, ctx, solution, req.cases, req.timeout_s, req.deadline_ms));
    const suite = resolveTests(ctx, req);
    const strategy = req.strategy ?? (req.group ? "coderm-vote" : "pass-rate");
    const group = req.group;
    if (!group) {
      const out = await ctx.admitted(c, suite.tests.length, req.deadline_ms, (signal) =>
        ctx.run({ ...suite, solutions: [solution], strategy }, signal),
      );
      return c.json({ ...out.results[0], strategy });
    }
    const answer = await ctx.admitted(c, suite.tests.length, req.deadline_ms, async () => {
      try {
        return await ctx.barrier.join(group, { ...suite, strategy, solution });
      } catch (e) {
        if (e instanceof GroupMismatch) throw new HttpError(400, `group.id: ${e.message}`);
        throw e;
      }
    });
    return c.json({
      ...answer.score.results[answer.index],
      strategy,
      group: {
        id: group.id,
        size: group.size,
        index: answer.index,
        received: answer.received,
        timed_out: answer.timedOut,
      },
    });
  });

  // OpenRLHF --remote_rm_url: rewards and scores are the same numbers, as its own reward server sends them.
  app.post("/get_reward", async (c) => {
    const req = await body(c, GetRewardRequest);
    const labels = req.labels ?? [];
    if (labels.length !== req.query.length)
      throw new HttpError(
        400,
        `labels: need one label per query (${req.query.length}), got ${labels.length}`,
      );
    const rewards = await Promise.all(
      req.query.map(async (q, i) => {
        const prompt = req.prompts?.[i];
        const response = prompt && q.startsWith(prompt) ? q.slice(prompt.length) : q;
        const suite = labelSuite(ctx, labels[i]!, i);
        const out = await ctx.admitted(c, suite.tests.length, undefined, (signal) =>
          ctx.run({ ...suite, solutions: [solutionCode(response)], strategy: "pass-rate" }, signal),
        );
        return out.results[0]?.reward ?? 0;
      }),
    );
    return c.json({ rewards, scores: rewards, extra_logs: { pass_rate: rewards } });
  });

  app.post("/submit", async (c) => {
    const req = await body(c, SubmitRequest);
    const programs = ctx.programs;
    if (!programs) throw new HttpError(503, "programs are not available on this server");
    const n = Array.isArray(req.config.provided_data.test) ? req.config.provided_data.test.length : 1;
    return c.json(await ctx.admitted(c, n, undefined, (signal) => submit(programs, req, signal)));
  });

  app.post("/run_code", async (c) => {
    const req = await body(c, RunCodeRequest);
    const programs = ctx.programs;
    if (!programs)
      return c.json({ status: "SandboxError", message: "programs are not available on this server" });
    const out = await ctx.admitted(c, 1, Math.round((req.run_timeout + 30) * 1000), (signal) =>
      runCode(programs, req, signal, { memoryStatus: ctx.memoryStatus }),
    );
    return c.json(out);
  });
}

/** A stdin program against its cases in one request (the judge compares; expected never reaches it). */
async function stdinReward(
  c: Context,
  ctx: RouteCtx,
  code: string,
  cases: { stdin: string; expected: string }[],
  timeoutS: number,
  deadlineMs: number | undefined,
) {
  const programs = ctx.programs;
  if (!programs) throw new HttpError(503, "programs are not available on this server");
  const results = await ctx.admitted(c, cases.length, deadlineMs, (signal) =>
    programs.runProgramCases({
      code,
      cases,
      compare: "lines",
      timeoutMs: Math.round(timeoutS * 1000),
      signal,
    }),
  );
  for (const r of results) ctx.metrics.pairs.inc({ verdict: r.verdict });
  const passed = results.filter((r) => r.passed).length;
  return {
    reward: passed / cases.length,
    pass_rate: passed / cases.length,
    strategy: "pass-rate",
    verdicts: results.map((r) => r.verdict),
  };
}

/** A label is a suite id, or a JSON object `{tests, format?}` (or a JSON array of tests). */
function labelSuite(ctx: RouteCtx, label: string, i: number): Suite {
  if (ctx.suites.get(label)) return ctx.suites.get(label)!;
  let raw: unknown;
  try {
    raw = JSON.parse(label);
  } catch {
    throw new HttpError(400, `labels.${i}: neither a known suite_id nor JSON`);
  }
  const parsed = InlineSuite.safeParse(Array.isArray(raw) ? { tests: raw } : raw);
  if (!parsed.success)
    throw new HttpError(
      400,
      `labels.${i}.${parsed.error.issues[0]?.path.join(".") ?? ""}: ${parsed.error.issues[0]?.message}`,
    );
  return parsed.data;
}
