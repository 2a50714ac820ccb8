import { setMaxListeners } from "node:events";
import { CodermError } from "../errors.js";
import { canonicalJson, requestKey } from "../store/request-key.js";
import { Semaphore } from "../util/semaphore.js";
import type {
  GenerateOptions,
  GenerationJob,
  GenerationSummary,
  JobResult,
  SampleResult,
} from "./_runner-types.js";
import { backoffDelay, DEFAULT_BACKOFF, sleep } from "./backoff.js";
import { classifyError, RequestFailure } from "./errors.js";
import type { ChatMessage, Role, Sampling } from "./types.js";
import { PAPER_SAMPLING } from "./types.js";

export type {
  GenerateOptions,
  GenerationEvent,
  GenerationJob,
  GenerationSummary,
  JobResult,
  SampleResult,
} from "./_runner-types.js";

interface Deferred {
  promise: Promise<SampleResult>;
  resolve: (r: SampleResult) => void;
}

function deferred(): Deferred {
  let resolve!: (r: SampleResult) => void;
  const promise = new Promise<SampleResult>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** What identifies a request for caching: equal keys mean interchangeable samples. */
export function generationKey(
  role: Role,
  model: string,
  messages: ChatMessage[],
  sampling: Sampling,
  taskId?: string,
): string {
  return requestKey({
    role,
    model,
    messages,
    sampling,
    ...(taskId !== undefined ? { task_id: taskId } : {}),
  });
}

/**
 * Sample `n` responses for every job. Cached samples are reused, identical requests in flight are shared,
 * every HTTP request waits for one of `concurrency` slots, and failures are retried with backoff. A sample
 * that still fails is returned with `text: null` and an error; the run itself only throws for failures no
 * retry can fix for any request (bad credentials, unknown model).
 */
// Long: one run's shared state (slots, in-flight map, cache, fatal abort, summary) lives in this closure, and its helpers (fill, finish) close over it.
export async function generate(
  jobs: GenerationJob[],
  options: GenerateOptions,
): Promise<{
  results: JobResult[];
  summary: GenerationSummary;
}> {
  const started = performance.now();
  const { provider, role, n } = options;
  const sampling = options.sampling ?? PAPER_SAMPLING;
  const sem = new Semaphore(options.concurrency ?? 8);
  const timeoutMs = options.timeoutMs ?? 600_000;
  const maxRetries = options.maxRetries ?? 6;
  const maxN = Math.max(1, options.maxN ?? n);
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const cache = options.cache;
  const emit = options.onEvent ?? (() => {});
  const summary: GenerationSummary = {
    samples: 0,
    cacheHits: 0,
    shared: 0,
    failures: 0,
    requests: 0,
    retries: 0,
    promptTokens: 0,
    completionTokens: 0,
    elapsedMs: 0,
    peakConcurrency: 0,
    errors: {},
  };
  const inflight = new Map<string, Deferred>();
  // A server's `n` support is learnt once and kept in the store for later runs.
  const serverId = `${provider.name} ${provider.model}`;
  if (provider.supportsN === undefined && cache) provider.supportsN = cache.serverSupportsN(serverId);
  let fatal: RequestFailure | undefined;
  let answered = false;
  const fatalAbort = new AbortController();
  const runSignal = options.signal ? AbortSignal.any([options.signal, fatalAbort.signal]) : fatalAbort.signal;
  // Every request in flight listens for the run's abort: thousands of listeners are expected, not a leak.
  setMaxListeners(0, runSignal);

  const finish = (job: GenerationJob, key: string, d: Deferred, r: SampleResult) => {
    inflight.delete(`${key}#${r.index}`);
    if (r.text === null) summary.failures++;
    emit({ type: "sample", taskId: job.taskId, index: r.index, ok: r.text !== null, cached: r.cached });
    d.resolve(r);
  };

  /** Ask for `indices` of one job, retrying until each has a non-empty answer or retries run out. */
  // Long: the retry loop of one request keeps its slot bookkeeping, backoff and cache writes together so a retry cannot lose a slot.
  async function fill(job: GenerationJob, key: string, indices: number[], slots: Map<number, Deferred>) {
    let pending = indices;
    let attempt = 0;
    while (pending.length > 0) {
      if (runSignal.aborted) {
        const why = fatal ? fatal.message : "run stopped";
        for (const i of pending)
          finish(job, key, slots.get(i)!, { index: i, text: null, error: why, cached: false });
        return;
      }
      // Once a server is known to ignore `n`, spread the remaining samples over separate requests.
      if (pending.length > 1 && provider.supportsN === false) {
        await Promise.all(pending.map((i) => fill(job, key, [i], slots)));
        return;
      }
      let failure: RequestFailure | undefined;
      // A stopped run (Ctrl-C, or a fatal error elsewhere) leaves the queue here; the loop's top reports it.
      if (!(await sem.acquire(runSignal))) continue;
      if (runSignal.aborted || (pending.length > 1 && provider.supportsN === false)) {
        // Stopped, or learnt while queued that the server ignores `n`: go back to the loop's top.
        sem.release();
        continue;
      }
      summary.peakConcurrency = Math.max(summary.peakConcurrency, sem.inUse);
      const ctrl = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        ctrl.abort();
      }, timeoutMs);
      const onRunAbort = () => ctrl.abort();
      runSignal.addEventListener("abort", onRunAbort, { once: true });
      const t0 = performance.now();
      try {
        summary.requests++;
        const res = await provider.complete({
          taskId: job.taskId,
          messages: job.messages,
          sampling,
          sampleIndices: pending,
          signal: ctrl.signal,
        });
        const latencyMs = performance.now() - t0;
        answered = true;
        summary.promptTokens += res.promptTokens ?? 0;
        summary.completionTokens += res.completionTokens ?? 0;
        if (pending.length > 1 && res.choices.length < pending.length && provider.supportsN !== false) {
          provider.supportsN = false;
          cache?.rememberSupportsN(serverId, false);
          emit({
            type: "no-n",
            message: `server returned ${res.choices.length} of ${pending.length} choices: one request per sample from now on`,
          });
        } else if (pending.length > 1 && provider.supportsN === undefined) {
          provider.supportsN = true;
          cache?.rememberSupportsN(serverId, true);
        }
        const left: number[] = [];
        pending.forEach((index, j) => {
          const choice = res.choices[j];
          const text = choice?.text ?? null;
          if (text === null || text.trim() === "") {
            left.push(index);
            return;
          }
          // Token usage is per request; attribute it to the request's first sample so sums stay right.
          cache?.put({
            key,
            index,
            text,
            finishReason: choice?.finishReason ?? null,
            promptTokens: j === 0 ? (res.promptTokens ?? null) : null,
            completionTokens: j === 0 ? (res.completionTokens ?? null) : null,
            latencyMs,
            model: res.model ?? provider.model,
          });
          finish(job, key, slots.get(index)!, { index, text, cached: false, latencyMs });
        });
        const shortAnswer = res.choices.length < pending.length;
        pending = left;
        if (pending.length > 0 && !(shortAnswer && provider.supportsN === false)) {
          failure = new RequestFailure("empty", `${pending.length} empty choice(s)`);
        }
      } catch (e) {
        failure = classifyError(e, timedOut, runSignal.aborted && !timedOut);
      } finally {
        clearTimeout(timer);
        runSignal.removeEventListener("abort", onRunAbort);
        sem.release();
      }
      if (!failure) continue;
      // Nothing listening, or a web page where the API should be: every request would fail the same way,
      // so stop at once rather than back off for minutes. Once the server has answered, the same error is a
      // restart or a hiccup of a known-good server and is retried.
      if (failure.kind === "unreachable" || failure.kind === "not-api") {
        failure = answered
          ? new RequestFailure("connection", failure.message)
          : new RequestFailure("fatal", failure.message);
      }
      summary.errors[failure.kind] = (summary.errors[failure.kind] ?? 0) + 1;
      if (failure.kind === "fatal" && !fatal) {
        fatal = failure;
        fatalAbort.abort();
      }
      attempt++;
      if (!failure.retryable || attempt > maxRetries) {
        const why = `${failure.message}${failure.retryable ? ` (after ${maxRetries} retries)` : ""}`;
        for (const i of pending)
          finish(job, key, slots.get(i)!, { index: i, text: null, error: why, cached: false });
        return;
      }
      const delayMs = backoffDelay(attempt, failure.retryAfterMs, backoff);
      summary.retries++;
      emit({
        type: "retry",
        taskId: job.taskId,
        kind: failure.kind,
        attempt,
        delayMs,
        message: failure.message,
      });
      await sleep(delayMs, runSignal);
    }
  }

  const work: Promise<unknown>[] = [];
  const perJob: { job: GenerationJob; key: string; promises: Promise<SampleResult>[] }[] = [];
  for (const job of jobs) {
    const key = generationKey(
      role,
      provider.model,
      job.messages,
      sampling,
      provider.answersByTask ? job.taskId : undefined,
    );
    cache?.recordRequest(key, role, provider.model, canonicalJson({ messages: job.messages, sampling }));
    const have = cache && !options.noCache ? cache.samples(key) : new Map();
    const promises: Promise<SampleResult>[] = [];
    const missing: number[] = [];
    const slots = new Map<number, Deferred>();
    for (let i = 0; i < n; i++) {
      const hit = have.get(i);
      if (hit) {
        summary.cacheHits++;
        emit({ type: "sample", taskId: job.taskId, index: i, ok: true, cached: true });
        promises.push(Promise.resolve({ index: i, text: hit.text, cached: true, latencyMs: hit.latencyMs }));
        continue;
      }
      const shared = inflight.get(`${key}#${i}`);
      if (shared) {
        summary.shared++;
        promises.push(
          shared.promise.then((r) => {
            if (r.text === null) summary.failures++;
            emit({ type: "sample", taskId: job.taskId, index: i, ok: r.text !== null, cached: true });
            return { ...r, cached: true };
          }),
        );
        continue;
      }
      const d = deferred();
      inflight.set(`${key}#${i}`, d);
      slots.set(i, d);
      missing.push(i);
      promises.push(d.promise);
    }
    for (let s = 0; s < missing.length; s += provider.supportsN === false ? 1 : maxN) {
      const batch = missing.slice(s, s + (provider.supportsN === false ? 1 : maxN));
      work.push(fill(job, key, batch, slots));
    }
    perJob.push({ job, key, promises });
  }
  await Promise.all(work);
  const results: JobResult[] = [];
  for (const { job, key, promises } of perJob) {
    const samples = (await Promise.all(promises)).sort((a, b) => a.index - b.index);
    summary.samples += samples.length;
    results.push({ taskId: job.taskId, key, samples });
  }
  summary.elapsedMs = performance.now() - started;
  if (fatal) {
    throw new CodermError("E_SERVER", `${provider.name}: ${fatal.message} (model ${provider.model})`);
  }
  return { results, summary };
}
