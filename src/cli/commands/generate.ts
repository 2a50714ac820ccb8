/**
 * `coderm generate`: sample solutions (policy) or unit tests (tester) from an OpenAI-compatible server, or
 * replay recorded ones, and write a CodeRM result file. Every response is cached in the store as it
 * arrives, so a killed run resumes by asking only for the missing samples.
 */

import { rmSync } from "node:fs";
import { defineCommand } from "citty";
import {
  benchmarkNames,
  EMBED_CHOICES,
  paperPromptBenchmarks,
  resolveProblems,
  testerEmbeds,
} from "../../benchmarks/index.js";
import { CodermError } from "../../errors.js";
import { describeZodError, readJsonl, writeJsonl } from "../../io/jsonl.js";
import { checkOutputFile } from "../../io/output.js";
import {
  fenced,
  formatSummary,
  loadReplay,
  ModelConfigSchema,
  PAPER_SAMPLING,
  type Provider,
  progressBar,
  ReplayProvider,
  ROLES,
  type Role,
} from "../../llm/index.js";
import { buildPrompts, type PromptRecord, PromptRecordSchema } from "../../prompts/index.js";
import type { SolutionSample, UnitTestSample } from "../../records.js";
import { generateSamples } from "../../run/generate.js";
import { openStore, ResponseCache } from "../../store/index.js";
import { commandMeta } from "../command-list.js";
import { modelArgs, numberFlag, oneOf, untilStopped } from "../flags.js";

const num = numberFlag;

async function readPrompts(file: string): Promise<PromptRecord[]> {
  return (await readJsonl(file, PromptRecordSchema, { strict: true })).records;
}

/** The first usable solution of each task in a CodeRM solutions file (the code the tester prompt embeds). */
async function firstSolutions(file: string): Promise<Map<string, string>> {
  const { readCodermSolutions } = await import("../../problems/index.js");
  const { embeddedSolutions } = await import("../../extract/sample-files.js");
  return embeddedSolutions((await readCodermSolutions(file, { strict: true })).records);
}

export default defineCommand({
  meta: commandMeta("generate"),
  args: {
    role: {
      type: "enum",
      options: [...ROLES],
      required: true,
      description: "policy: solutions; tester: unit tests",
    },
    benchmark: {
      type: "string",
      description: `Build prompts for this benchmark (${benchmarkNames().join(", ")}) or Problem JSONL file`,
    },
    prompts: { type: "string", description: "Use these {task_id, messages} prompts instead of --benchmark" },
    "from-solutions": {
      type: "string",
      description:
        "Tester: embed your policy's solutions instead (a CodeRM solutions file; its first usable solution per task)",
    },
    embed: {
      type: "string",
      description: `Tester without --from-solutions: paper (default for ${paperPromptBenchmarks().join(", ")}: CodeRM's released prompts, one model-written solution per task, in vendor/coderm) or canonical (the reference solution; default elsewhere)`,
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
    retries: { ...modelArgs.retries, description: "Retries per sample", default: "6" },
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
  // Long: the flag-to-option mapping for both roles and every replay source sits in one place; sampling is generateSamples().
  async run({ args }) {
    const role = args.role as Role;
    const n = num(args.n, "n", { min: 1, int: true })!;
    if (!args.benchmark === !args.prompts) {
      throw new CodermError("E_BAD_INPUT", "pass exactly one of --benchmark and --prompts", "--benchmark");
    }
    const limit = num(args.limit, "limit", { min: 1, int: true });
    // Before any sampling: an hour of requests must not end in "cannot write".
    checkOutputFile(args.out, "--out");
    if (args.responses) checkOutputFile(args.responses, "--responses");
    const fromSolutions = args["from-solutions"];
    const embed = args.embed === undefined ? undefined : oneOf(args.embed, EMBED_CHOICES, "embed", "--embed");
    for (const [flag, given] of [
      ["--from-solutions", fromSolutions],
      ["--embed", embed],
    ] as const) {
      if (given === undefined) continue;
      if (role !== "tester") throw new CodermError("E_BAD_INPUT", "only for --role tester", flag);
      if (args.prompts) throw new CodermError("E_BAD_INPUT", "--prompts are sent as they are", flag);
    }
    if (fromSolutions !== undefined && embed !== undefined) {
      throw new CodermError("E_BAD_INPUT", "pass one of --from-solutions and --embed", "--embed");
    }
    let prompts: PromptRecord[];
    if (args.prompts) prompts = (await readPrompts(args.prompts)).slice(0, limit);
    else {
      const r = await resolveProblems(args.benchmark as string);
      const problems = r.problems.slice(0, limit);
      let solutions: ReadonlyMap<string, string> | undefined;
      if (role === "tester" && fromSolutions !== undefined) solutions = await firstSolutions(fromSolutions);
      else if (role === "tester") {
        const e = await testerEmbeds(r.benchmark, embed);
        solutions = e.solutions;
        process.stderr.write(`coderm: ${e.note}\n`);
      }
      prompts = buildPrompts(problems, role, r.benchmark?.prompts, solutions, {
        ...(fromSolutions !== undefined ? { solutionsFile: fromSolutions } : {}),
        onCanonical: (t) =>
          process.stderr.write(
            `coderm: ${t.length} tasks have no paper prompt (first: ${t[0]}): theirs embed the canonical solution\n`,
          ),
      });
    }
    const parsed = ModelConfigSchema.safeParse(
      Object.fromEntries(
        Object.entries({
          baseUrl: args["base-url"],
          model: args.model,
          apiKeyEnv: args["api-key-env"],
          temperature: num(args.temperature, "temperature"),
          topP: num(args["top-p"], "top-p"),
          maxTokens: num(args["max-tokens"], "max-tokens", { min: 1, int: true }),
          concurrency: num(args.jobs, "jobs", { min: 1, int: true }),
          timeout: num(args.timeout, "timeout", { min: 0.001 }),
          retries: num(args.retries, "retries", modelArgs.retries.range),
          maxN: num(args["max-n"], "max-n", { min: 1, int: true }),
        }).filter(([, v]) => v !== undefined),
      ),
    );
    if (!parsed.success) throw new CodermError("E_CONFIG", describeZodError(parsed.error), role);
    const model = parsed.data;
    let provider: Provider | undefined;
    if (args.replay) {
      const { truncateSolution } = await import("../../extract/index.js");
      const data = await loadReplay(args.replay, {
        codetTasks: args["codet-tasks"],
        // CodeT solutions continue their prompt; CodeT test samples continue a prompt ending in "assert ".
        codetResponse: (prompt, completion) =>
          prompt.endsWith("assert ") ? `assert ${completion}` : fenced(prompt + truncateSolution(completion)),
      });
      provider = new ReplayProvider(data, args.replay);
    }
    // Replays are free and deterministic: nothing to cache.
    const store = args.replay ? undefined : openStore(args.store);
    const cache = store ? new ResponseCache(store) : undefined;
    const runId = cache?.startRun("generate", { ...args, role, n, model: model.model });
    const bar = progressBar(prompts.length * n);
    let g: Awaited<ReturnType<typeof generateSamples>>;
    let stopped = false;
    try {
      g = await untilStopped(
        (signal) => {
          signal.addEventListener("abort", () => {
            stopped = true;
          });
          const common = { prompts, n, model, provider, cache, noCache: !args.cache, signal };
          return generateSamples({ ...common, role, onEvent: bar.onEvent });
        },
        { message: "finished samples are kept in the store — rerun the same command to resume" },
      );
    } catch (e) {
      bar.stop();
      if (runId !== undefined) cache?.finishRun(runId, "failed", { error: (e as Error).message });
      store?.close();
      throw e;
    }
    if (stopped) {
      // A stopped run never replaces --out: what it finished is in the store, and the rerun writes it all.
      bar.stop();
      if (runId !== undefined) cache?.finishRun(runId, "incomplete", g.summary);
      store?.close();
      throw new CodermError(
        "E_INTERRUPTED",
        `interrupted; ${cache ? "finished samples are kept in the store, " : ""}${args.out} left unchanged — rerun the same command to resume`,
      );
    }
    bar.stop();
    const { writeCodermSolutions, writeCodermUnitTests } = await import("../../problems/index.js");
    const failed = g.failures;
    // Samples failed: what succeeded goes beside --out, never over it, so a good file from an earlier run
    // survives a broken server; the rerun retries the failed samples and writes --out itself.
    const target = failed.length > 0 ? `${args.out}.partial` : args.out;
    const { skipped: dropped } =
      role === "policy"
        ? await writeCodermSolutions(target, g.samples as SolutionSample[])
        : await writeCodermUnitTests(target, g.samples as UnitTestSample[]);
    // A leftover from an earlier failed run would be mistaken for this run's output.
    if (target === args.out) rmSync(`${args.out}.partial`, { force: true });
    const skipped = dropped - failed.length;
    if (args.responses) {
      const byTask = new Map(prompts.map((p) => [p.task_id, p.messages]));
      await writeJsonl(
        args.responses,
        g.results.map((r) => ({
          task_id: r.taskId,
          messages: byTask.get(r.taskId),
          responses: r.samples.flatMap((s) => (s.text === null ? [] : [s.text])),
        })),
      );
    }
    if (runId !== undefined) cache?.finishRun(runId, failed.length > 0 ? "incomplete" : "done", g.summary);
    store?.close();

    const err = process.stderr;
    for (const f of failed.slice(0, 20)) err.write(`coderm: failed ${f}\n`);
    if (failed.length > 20) err.write(`coderm: ... and ${failed.length - 20} more failed samples\n`);
    err.write(`${formatSummary(g.summary)}\n`);
    const reasons = Object.entries(g.rejected).sort((a, b) => b[1] - a[1]);
    err.write(
      `wrote ${target}: ${g.samples.length - dropped} ${role === "policy" ? "solutions" : "unit tests"}` +
        ` (${skipped} responses rejected by extraction${
          reasons.length
            ? `: ${reasons
                .slice(0, 3)
                .map(([k, v]) => `${v} ${k}`)
                .join("; ")}`
            : ""
        })\n`,
    );
    if (failed.length > 0) {
      throw new CodermError(
        "E_SERVER",
        `${failed.length} samples failed after retries; ${args.out} left unchanged, the others are in ${target} — rerun the same command to retry the failed ones`,
      );
    }
  },
});
