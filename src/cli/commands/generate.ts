/**
 * `coderm generate`: sample solutions (policy) or unit tests (tester) from an OpenAI-compatible server, or
 * replay recorded ones, and write a CodeRM result file. Every response is cached in the store as it
 * arrives, so a killed run resumes by asking only for the missing samples.
 */

import { fileURLToPath } from "node:url";
import { defineCommand } from "citty";
import { CodermError } from "../../errors.js";
import { readJsonl } from "../../io/jsonl.js";
import {
  fenced,
  formatSummary,
  generate,
  loadReplay,
  PAPER_SAMPLING,
  type Provider,
  progressBar,
  providerFor,
  ReplayProvider,
  ROLES,
  type Role,
  resolveRoleConfig,
  samplingOf,
} from "../../llm/index.js";
import {
  buildPrompts,
  liveCodeBenchProblemsFromPrompts,
  type PromptRecord,
  PromptRecordSchema,
} from "../../prompts/index.js";
import type { Benchmark, Problem, SolutionSample, UnitTestSample } from "../../records.js";
import { openStore, ResponseCache } from "../../store/index.js";
import { numberFlag } from "../flags.js";

const BENCHMARK_CHOICES = ["humaneval+", "mbpp+", "livecodebench"] as const;

const num = numberFlag;

async function readPrompts(file: string): Promise<PromptRecord[]> {
  return (await readJsonl(file, PromptRecordSchema, { strict: true })).records;
}

async function loadProblems(benchmark: Benchmark): Promise<Problem[]> {
  if (benchmark === "livecodebench") {
    const file = fileURLToPath(
      new URL("../../../vendor/coderm/input_livecodebench_sol.jsonl", import.meta.url),
    );
    return liveCodeBenchProblemsFromPrompts(await readPrompts(file));
  }
  const { loadBenchmark } = await import("../../problems/index.js");
  return (await loadBenchmark(benchmark as "humaneval+" | "mbpp+")).records;
}

/** The first usable solution of each task in a CodeRM solutions file (the code the tester prompt embeds). */
async function firstSolutions(file: string): Promise<Map<string, string>> {
  const { readCodermSolutions } = await import("../../problems/index.js");
  const out = new Map<string, string>();
  for (const s of (await readCodermSolutions(file, { strict: true })).records) {
    if (s.solution !== null && s.solution.trim() !== "" && !out.has(s.task_id))
      out.set(s.task_id, s.solution);
  }
  return out;
}

export default defineCommand({
  meta: {
    name: "generate",
    description:
      "Sample solutions (--role policy) or unit tests (--role tester) and write a CodeRM result file.",
  },
  args: {
    role: {
      type: "enum",
      options: [...ROLES],
      required: true,
      description: "policy: solutions; tester: unit tests",
    },
    benchmark: {
      type: "enum",
      options: [...BENCHMARK_CHOICES],
      description: "Build prompts for this benchmark",
    },
    prompts: { type: "string", description: "Use these {task_id, messages} prompts instead of --benchmark" },
    "from-solutions": {
      type: "string",
      description: "Tester: CodeRM solutions file; its first solution per task is embedded in the prompt",
    },
    n: { type: "string", description: "Samples per problem", required: true },
    out: { type: "string", description: "Output: {task_id, solutions|unit_tests} JSONL", required: true },
    responses: { type: "string", description: "Also write raw responses ({task_id, messages, responses})" },
    "base-url": {
      type: "string",
      description: "Server URL (default $CODERM_<ROLE>_BASE_URL, $OPENAI_BASE_URL)",
    },
    model: { type: "string", description: "Model name (default $CODERM_<ROLE>_MODEL)" },
    "api-key-env": {
      type: "string",
      description: "Environment variable holding the API key",
      default: "OPENAI_API_KEY",
    },
    store: { type: "string", description: "SQLite store (cache + runs)", default: ".coderm/store.sqlite" },
    cache: { type: "boolean", default: true, description: "Reuse cached samples (--no-cache asks again)" },
    jobs: { type: "string", alias: "j", description: "Requests in flight", default: "8" },
    timeout: { type: "string", description: "Per-request timeout in seconds", default: "600" },
    retries: { type: "string", description: "Retries per sample", default: "6" },
    "max-n": { type: "string", description: "Most completions per request (default: --n)" },
    temperature: {
      type: "string",
      description: `Sampling temperature (default ${PAPER_SAMPLING.temperature})`,
    },
    "top-p": { type: "string", description: `Nucleus sampling (default ${PAPER_SAMPLING.top_p})` },
    "max-tokens": {
      type: "string",
      description: `Completion length cap (default ${PAPER_SAMPLING.max_tokens})`,
    },
    limit: { type: "string", description: "Only the first K problems" },
    replay: {
      type: "string",
      description: "Serve recorded responses (CodeRM result, raw responses or CodeT file)",
    },
    "codet-tasks": {
      type: "string",
      description: "With a CodeT --replay file: its {task_id, prompt} task file",
    },
  },
  async run({ args }) {
    const role = args.role as Role;
    const n = num(args.n, "n", { min: 1, int: true })!;
    if (!args.benchmark === !args.prompts) {
      throw new CodermError("E_BAD_INPUT", "pass exactly one of --benchmark and --prompts", "--benchmark");
    }
    const limit = num(args.limit, "limit", { min: 1, int: true });
    let prompts: PromptRecord[];
    if (args.prompts) prompts = (await readPrompts(args.prompts)).slice(0, limit);
    else {
      const benchmark = args.benchmark as Benchmark;
      const problems = (await loadProblems(benchmark)).slice(0, limit);
      const solutions = args["from-solutions"] ? await firstSolutions(args["from-solutions"]) : undefined;
      prompts = buildPrompts(problems, role, benchmark, solutions);
    }

    const config = args.replay
      ? undefined
      : resolveRoleConfig(role, {
          base_url: args["base-url"],
          model: args.model,
          api_key_env: args["api-key-env"],
          temperature: num(args.temperature, "temperature"),
          top_p: num(args["top-p"], "top-p"),
          max_tokens: num(args["max-tokens"], "max-tokens", { min: 1, int: true }),
        });
    const sampling = config ? samplingOf(config) : PAPER_SAMPLING;
    let provider: Provider;
    if (config) provider = providerFor(config);
    else {
      const { truncateSolution } = await import("../../extract/index.js");
      const replay = args.replay as string;
      const data = await loadReplay(replay, {
        codetTasks: args["codet-tasks"],
        // CodeT solutions continue their prompt; CodeT test samples continue a prompt ending in "assert ".
        codetResponse: (prompt, completion) =>
          prompt.endsWith("assert ") ? `assert ${completion}` : fenced(prompt + truncateSolution(completion)),
      });
      provider = new ReplayProvider(data, replay);
    }
    // Replays are free and deterministic: nothing to cache.
    const store = args.replay ? undefined : openStore(args.store);
    const cache = store ? new ResponseCache(store) : undefined;
    const runId = cache?.startRun("generate", { ...args, role, n, sampling, model: provider.model });
    const stop = new AbortController();
    const onSigint = () => {
      process.stderr.write("\ncoderm: stopping; finished samples are kept in the store\n");
      stop.abort();
    };
    process.once("SIGINT", onSigint);
    const bar = progressBar(prompts.length * n);
    let outcome: Awaited<ReturnType<typeof generate>>;
    try {
      outcome = await generate(
        prompts.map((p) => ({ taskId: p.task_id, messages: p.messages })),
        {
          provider,
          role,
          n,
          sampling,
          cache,
          noCache: !args.cache,
          concurrency: num(args.jobs, "jobs", { min: 1, int: true }),
          timeoutMs: num(args.timeout, "timeout", { min: 0.001 })! * 1000,
          maxRetries: num(args.retries, "retries", { int: true }),
          maxN: num(args["max-n"], "max-n", { min: 1, int: true }),
          onEvent: bar.onEvent,
          signal: stop.signal,
        },
      );
    } catch (e) {
      bar.stop();
      if (runId !== undefined) cache?.finishRun(runId, "failed", { error: (e as Error).message });
      store?.close();
      throw e;
    } finally {
      process.off("SIGINT", onSigint);
    }
    bar.stop();
    const { results, summary } = outcome;

    const extract = await import("../../extract/index.js");
    await extract.initPython();
    const { writeCodermSolutions, writeCodermUnitTests, writeRecords } = await import(
      "../../problems/index.js"
    );
    const failed: string[] = [];
    const rejected: Record<string, number> = {};
    const solutions: SolutionSample[] = [];
    const tests: UnitTestSample[] = [];
    const seen = new Map<string, number>();
    for (const r of results) {
      for (const s of r.samples) {
        if (s.text === null) {
          // Kept as a null sample so the task still gets its line: CodeRM files are joined by position.
          const why = { rejected: `generation failed: ${s.error ?? "unknown"}` };
          failed.push(`${r.taskId} #${s.index}: ${s.error ?? "failed"}`);
          if (role === "policy")
            solutions.push({ task_id: r.taskId, index: s.index, solution: null, ...why });
          else tests.push({ task_id: r.taskId, index: s.index, format: "unittest", test: null, ...why });
          continue;
        }
        let x: { ok: true; text: string } | { ok: false; reason: string } =
          role === "policy" ? extract.extractCode(s.text) : extract.extractUnitTest(s.text);
        // Like the reference, a unit test identical to an earlier one of the same task is dropped.
        if (x.ok && role === "tester") {
          const first = seen.get(`${r.taskId}\u0000${x.text}`);
          if (first !== undefined) x = { ok: false, reason: "duplicate unit test" };
          else seen.set(`${r.taskId}\u0000${x.text}`, s.index);
        }
        if (!x.ok) rejected[x.reason] = (rejected[x.reason] ?? 0) + 1;
        const text = x.ok ? x.text : null;
        const why = x.ok ? {} : { rejected: x.reason };
        if (role === "policy") solutions.push({ task_id: r.taskId, index: s.index, solution: text, ...why });
        else tests.push({ task_id: r.taskId, index: s.index, format: "unittest", test: text, ...why });
      }
    }
    const { skipped: dropped } =
      role === "policy"
        ? await writeCodermSolutions(args.out, solutions)
        : await writeCodermUnitTests(args.out, tests);
    const skipped = dropped - failed.length;
    if (args.responses) {
      const byTask = new Map(prompts.map((p) => [p.task_id, p.messages]));
      await writeRecords(
        args.responses,
        results.map((r) => ({
          task_id: r.taskId,
          messages: byTask.get(r.taskId),
          responses: r.samples.flatMap((s) => (s.text === null ? [] : [s.text])),
        })),
      );
    }
    if (runId !== undefined) cache?.finishRun(runId, failed.length > 0 ? "incomplete" : "done", summary);
    store?.close();

    const err = process.stderr;
    for (const f of failed.slice(0, 20)) err.write(`coderm: failed ${f}\n`);
    if (failed.length > 20) err.write(`coderm: ... and ${failed.length - 20} more failed samples\n`);
    err.write(`${formatSummary(summary)}\n`);
    const reasons = Object.entries(rejected).sort((a, b) => b[1] - a[1]);
    err.write(
      `wrote ${args.out}: ${solutions.length + tests.length - dropped} ${role === "policy" ? "solutions" : "unit tests"}` +
        ` (${skipped} responses rejected by extraction${
          reasons.length
            ? `: ${reasons
                .slice(0, 3)
                .map(([k, v]) => `${v} ${k}`)
                .join("; ")}`
            : ""
        })\n`,
    );
    if (stop.signal.aborted)
      throw new CodermError("E_INTERRUPTED", "interrupted; rerun the same command to resume");
    if (failed.length > 0) {
      throw new CodermError(
        "E_SERVER",
        `${failed.length} samples failed after retries; rerun the same command to retry them`,
      );
    }
  },
});
