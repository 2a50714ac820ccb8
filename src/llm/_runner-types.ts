import type { ResponseCache } from "../store/response-cache.js";
import type { BackoffOptions } from "./backoff.js";
import type { ChatMessage, Provider, Role, Sampling } from "./types.js";

/** One chat to sample `n` times. */
export interface GenerationJob {
  taskId: string;
  messages: ChatMessage[];
}

export interface SampleResult {
  index: number;
  /** The response text; null when the sample failed after retries (`error` says why). */
  text: string | null;
  error?: string;
  cached: boolean;
  latencyMs?: number;
}

export interface JobResult {
  taskId: string;
  key: string;
  samples: SampleResult[];
}

export interface GenerationSummary {
  samples: number;
  /** Samples served from the store without asking the server. */
  cacheHits: number;
  /** Samples shared with an identical request already in flight. */
  shared: number;
  failures: number;
  /** HTTP requests sent (including retries). */
  requests: number;
  retries: number;
  promptTokens: number;
  completionTokens: number;
  elapsedMs: number;
  /** Most requests in flight at once. */
  peakConcurrency: number;
  /** Failures by kind (rate-limit, timeout, ...), counted per failed attempt. */
  errors: Record<string, number>;
}

export type GenerationEvent =
  | { type: "sample"; taskId: string; index: number; ok: boolean; cached: boolean }
  | { type: "retry"; taskId: string; kind: string; attempt: number; delayMs: number; message: string }
  | { type: "no-n"; message: string };

export interface GenerateOptions {
  provider: Provider;
  role: Role;
  n: number;
  sampling?: Sampling;
  /** Without a cache nothing is remembered and nothing resumes. */
  cache?: ResponseCache;
  /** Ignore cached samples (new samples still overwrite the cache). */
  noCache?: boolean;
  /** Requests in flight at once (`-j`). */
  concurrency?: number;
  /** Per-request deadline in ms. */
  timeoutMs?: number;
  /** Retries per sample after the first attempt. */
  maxRetries?: number;
  /** Most completions asked for in one request when the server supports `n`. */
  maxN?: number;
  backoff?: BackoffOptions;
  onEvent?: (e: GenerationEvent) => void;
  signal?: AbortSignal;
}
