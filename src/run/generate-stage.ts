/**
 * Generation inside a run: build the paper's prompts, sample through the cached runner, extract. Samples
 * that failed after retries are returned as rejected and the stage is not marked done, so a rerun asks
 * the server only for them (everything else comes from the store).
 */
import { CodermError } from "../errors.js";
import { extractCode, extractUnitTest, initPython } from "../extract/index.js";
import { type GenerationEvent, generate, OpenAIProvider, type Provider, type Role } from "../llm/index.js";
import { buildPrompts } from "../prompts/index.js";
import type { Benchmark, Problem, SolutionSample, UnitTestSample } from "../records.js";
import type { ResponseCache } from "../store/index.js";
import type { ModelConfig } from "./config.js";

export interface GenerateStageOptions {
  role: Role;
  problems: Problem[];
  benchmark?: Benchmark;
  n: number;
  model: ModelConfig;
  cache: ResponseCache;
  /** Tester: the solution embedded in each problem's prompt. */
  embed?: ReadonlyMap<string, string>;
  provider?: Provider;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface Generated<T> {
  records: T[];
  failed: number;
  summary: Awaited<ReturnType<typeof generate>>["summary"];
}

function providerFor(model: ModelConfig): Provider {
  return new OpenAIProvider({
    baseURL: model.baseUrl ?? process.env.OPENAI_BASE_URL ?? "",
    apiKeyEnv: model.apiKeyEnv,
    model: model.model ?? "",
  });
}

async function sample(o: GenerateStageOptions) {
  const prompts = buildPrompts(o.problems, o.role, o.benchmark, o.embed);
  let done = 0;
  const total = prompts.length * o.n;
  const out = await generate(
    prompts.map((p) => ({ taskId: p.task_id, messages: p.messages })),
    {
      provider: o.provider ?? providerFor(o.model),
      role: o.role,
      n: o.n,
      sampling: { temperature: o.model.temperature, top_p: o.model.topP, max_tokens: o.model.maxTokens },
      cache: o.cache,
      concurrency: o.model.concurrency,
      timeoutMs: o.model.timeout * 1000,
      maxRetries: o.model.retries,
      signal: o.signal,
      onEvent: (e: GenerationEvent) => {
        if (e.type === "sample") o.onProgress?.(++done, total);
      },
    },
  );
  const failures = out.results.flatMap((j) => j.samples.filter((s) => s.text === null));
  if (failures.length > 0 && failures.length === total) {
    // Nothing came back at all: a wrong URL, a dead server or a bad model name, not bad luck.
    throw new CodermError(
      "E_SERVER",
      `every ${o.role} request failed (${failures[0]?.error ?? "no answer"})`,
      o.model.baseUrl ?? process.env.OPENAI_BASE_URL ?? "base URL",
    );
  }
  return out;
}

export async function generateSolutions(o: GenerateStageOptions): Promise<Generated<SolutionSample>> {
  const { results, summary } = await sample(o);
  const records: SolutionSample[] = [];
  let failed = 0;
  for (const job of results) {
    for (const s of job.samples) {
      if (s.text === null) {
        failed++;
        records.push({
          task_id: job.taskId,
          index: s.index,
          solution: null,
          rejected: `generation failed: ${s.error}`,
        });
        continue;
      }
      const x = extractCode(s.text);
      records.push({
        task_id: job.taskId,
        index: s.index,
        solution: x.ok ? x.text : null,
        ...(x.ok ? {} : { rejected: x.reason }),
        response: s.text,
      });
    }
  }
  return { records, failed, summary };
}

export async function generateTests(o: GenerateStageOptions): Promise<Generated<UnitTestSample>> {
  await initPython();
  const { results, summary } = await sample(o);
  const records: UnitTestSample[] = [];
  let failed = 0;
  for (const job of results) {
    // The reference drops a test whose extracted text repeats an earlier one of the same problem.
    const seen = new Map<string, number>();
    for (const s of job.samples) {
      const base = { task_id: job.taskId, index: s.index, format: "unittest" as const };
      if (s.text === null) {
        failed++;
        records.push({ ...base, test: null, rejected: `generation failed: ${s.error}` });
        continue;
      }
      const x = extractUnitTest(s.text);
      if (!x.ok) {
        records.push({ ...base, test: null, rejected: x.reason, response: s.text });
        continue;
      }
      const dup = seen.get(x.text);
      if (dup !== undefined) {
        records.push({ ...base, test: null, rejected: `duplicate of test ${dup}`, response: s.text });
        continue;
      }
      seen.set(x.text, s.index);
      records.push({ ...base, test: x.text, response: s.text });
    }
  }
  return { records, failed, summary };
}
