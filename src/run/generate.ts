/**
 * Sampling for one role, as `coderm generate` and `run()` both do it: prompts → the cached, retrying
 * runner → `samplesFromResponses`. Samples that failed after retries come back as rejected records (their
 * slots kept), so the caller can keep the rest and a rerun asks the server only for them.
 */
import { CodermError } from "../errors.js";
import { initPython, samplesFromResponses } from "../extract/index.js";
import {
  type GenerationEvent,
  type GenerationSummary,
  generate,
  type JobResult,
  type ModelConfig,
  type Provider,
  providerFor,
  type Role,
  resolveModelConfig,
  samplingOf,
} from "../llm/index.js";
import type { PromptRecord } from "../prompts/index.js";
import type { SolutionSample, UnitTestSample } from "../records.js";
import type { ResponseCache } from "../store/index.js";

export interface GenerateSamplesOptions {
  role: Role;
  prompts: readonly PromptRecord[];
  /** Samples per prompt. */
  n: number;
  /** Sampling, concurrency, deadlines, retries (and, without `provider`, the server to ask). */
  model: ModelConfig;
  /** Default: the OpenAI-compatible server of `model` (`resolveModelConfig`). */
  provider?: Provider;
  cache?: ResponseCache;
  noCache?: boolean;
  signal?: AbortSignal;
  onEvent?: (e: GenerationEvent) => void;
}

export interface GeneratedSamples<T> {
  samples: T[];
  /** Samples that failed after retries: `task #index: error`. */
  failures: string[];
  /** Responses extraction rejected, by reason. */
  rejected: Record<string, number>;
  results: JobResult[];
  summary: GenerationSummary;
  model: string;
}

export async function generateSamples(
  o: GenerateSamplesOptions & { role: "policy" },
): Promise<GeneratedSamples<SolutionSample>>;
export async function generateSamples(
  o: GenerateSamplesOptions & { role: "tester" },
): Promise<GeneratedSamples<UnitTestSample>>;
export async function generateSamples(
  o: GenerateSamplesOptions,
): Promise<GeneratedSamples<SolutionSample> | GeneratedSamples<UnitTestSample>>;
export async function generateSamples(
  o: GenerateSamplesOptions,
): Promise<GeneratedSamples<SolutionSample> | GeneratedSamples<UnitTestSample>> {
  const provider = o.provider ?? providerFor(resolveModelConfig(o.role, o.model));
  const { results, summary } = await generate(
    o.prompts.map((p) => ({ taskId: p.task_id, messages: p.messages })),
    {
      provider,
      role: o.role,
      n: o.n,
      sampling: samplingOf(o.model),
      cache: o.cache,
      noCache: o.noCache,
      concurrency: o.model.concurrency,
      timeoutMs: o.model.timeout * 1000,
      maxRetries: o.model.retries,
      maxN: o.model.maxN,
      signal: o.signal,
      onEvent: o.onEvent,
    },
  );
  const failures = results.flatMap((j) =>
    j.samples.filter((s) => s.text === null).map((s) => `${j.taskId} #${s.index}: ${s.error ?? "failed"}`),
  );
  const total = o.prompts.length * o.n;
  if (total > 0 && failures.length === total && !o.signal?.aborted) {
    // Nothing came back at all: a wrong URL, a dead server or a bad model name, not bad luck.
    throw new CodermError("E_SERVER", `every ${o.role} request failed (${failures[0]})`, provider.name);
  }
  await initPython();
  const extracted =
    o.role === "policy" ? samplesFromResponses("policy", results) : samplesFromResponses("tester", results);
  return {
    samples: extracted.samples,
    failures,
    rejected: extracted.rejected,
    results,
    summary,
    model: provider.model,
  } as GeneratedSamples<SolutionSample> | GeneratedSamples<UnitTestSample>;
}
