/**
 * The HTTP surface of `coderm serve`, as a Hono app over one shared executor. Hono because its handlers
 * take web-standard Request/Response (testable without a socket), it is small and typed, and its
 * node adapter propagates client disconnects to `Request.signal`, which is what cancels queued pairs.
 */
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import type { PairExecutor } from "../sandbox/index.js";
import { HttpError } from "./_http.js";
import { GroupBarrier } from "./groups.js";
import { ServeMetrics } from "./metrics.js";
import { nativeRoutes } from "./routes.js";
import type { ProgramRunner } from "./run-code.js";
import { SCHEMAS } from "./schemas.js";
import { type ScoreJob, score } from "./score.js";
import { SubmitRequest } from "./submit.js";
import { SuiteStore, type TestGenerator } from "./suites.js";
import { VerdictCache } from "./verdict-cache.js";

export interface AppOptions {
  executor: PairExecutor;
  /** Runs whole programs (`/run_code`); without it those routes answer SandboxError. */
  programs?: ProgramRunner;
  token?: string;
  /** Pairs admitted at once across all requests; beyond it requests get 429 (default 20,000). */
  maxQueuedPairs?: number;
  /** Default per-request deadline in ms (default 300,000). */
  deadlineMs?: number;
  /** Largest request body in bytes (default 32 MiB). */
  maxBodyBytes?: number;
  memoryStatus?: boolean;
  /** SQLite file keeping registered suites across restarts (default: memory only). */
  store?: string;
  /** Samples unit tests for `POST /v1/suites` with `generate` (without it such requests get 501). */
  generateTests?: TestGenerator;
  log?: (entry: Record<string, unknown>) => void;
}

export interface ServeApp {
  app: Hono;
  metrics: ServeMetrics;
  /** Refuse new work with 503 from now on (SIGTERM); requests already admitted finish. */
  drain(): void;
  /** Close the suite store's SQLite file (after the last request). */
  closeStore(): void;
  readonly queuedPairs: number;
  /** Requests being handled right now. */
  readonly inFlight: number;
}

// Long: the app's admission state (queued pairs, in-flight, draining) is closed over by its middleware and every route.
export function createApp(opts: AppOptions): ServeApp {
  const metrics = new ServeMetrics();
  const maxQueued = opts.maxQueuedPairs ?? 20_000;
  const log = opts.log ?? (() => {});
  let draining = false;
  let queued = 0;
  let inFlight = 0;
  const app = new Hono();
  const executor = new VerdictCache(opts.executor);
  const run = (job: ScoreJob, signal: AbortSignal) =>
    score(executor, job, signal, (verdict) => metrics.pairs.inc({ verdict }));

  /** Admit `pairs` against the global bound, run `work`, release; the signal covers deadline + disconnect. */
  async function admitted<T>(
    c: Context,
    pairs: number,
    deadlineMs: number | undefined,
    work: (s: AbortSignal) => Promise<T>,
  ): Promise<T> {
    if (draining) throw new HttpError(503, "server is draining");
    if (queued > 0 && queued + pairs > maxQueued)
      throw new HttpError(429, `queue full (${queued} pairs queued)`);
    queued += pairs;
    metrics.queued.set(queued);
    const stop = requestSignal(c.req.raw.signal, deadlineMs ?? opts.deadlineMs ?? 300_000);
    try {
      return await work(stop.signal);
    } finally {
      stop.done();
      queued -= pairs;
      metrics.queued.set(queued);
    }
  }

  app.use("*", async (c, next) => {
    const t0 = performance.now();
    inFlight++;
    try {
      await next();
    } finally {
      inFlight--;
    }
    const route = c.req.routePath;
    metrics.latency.observe({ route, status: String(c.res.status) }, (performance.now() - t0) / 1000);
    log({ route: c.req.path, status: c.res.status, ms: Math.round(performance.now() - t0) });
  });
  app.onError((e, c) => {
    if (e instanceof HTTPException) return e.getResponse();
    if (e instanceof HttpError) {
      if (e.status !== 400) metrics.rejected.inc({ status: String(e.status) });
      if (e.status === 429) c.header("Retry-After", "1");
      return c.json({ error: e.message }, e.status);
    }
    if (e instanceof Error && e.name === "AbortError") return c.json({ error: "cancelled" }, 503);
    if (e instanceof DOMException && e.name === "TimeoutError")
      return c.json({ error: "deadline exceeded" }, 504);
    log({ level: "error", error: String((e as Error).stack ?? e) });
    return c.json({ error: "internal error" }, 500);
  });

  app.get("/healthz", (c) =>
    c.json(
      {
        ok: !draining,
        draining,
        queued_pairs: queued,
        isolation: opts.executor.isolation?.level ?? "unknown",
      },
      draining ? 503 : 200,
    ),
  );
  app.get("/openapi.json", (c) => c.json(openapi()));

  const maxBody = opts.maxBodyBytes ?? 32 << 20;
  // The unread rest of the body is still on the socket: close it so the client does not reuse it.
  const tooLarge = (c: Context) => c.json({ error: "request body too large" }, 413, { connection: "close" });
  const chunked = bodyLimit({ maxSize: maxBody, onError: tooLarge });
  // Hono's bodyLimit reads `c.req.raw.body` first, which makes @hono/node-server build a full web Request
  // and stream the body through web streams (≈ 0.5 ms of CPU per /run_code request); a declared
  // Content-Length is checked from the header alone (Node's parser holds the body to it), and only a body
  // without one goes through bodyLimit.
  const limit: MiddlewareHandler = (c, next) => {
    const len = c.req.header("content-length");
    if (len === undefined || c.req.header("transfer-encoding") !== undefined) return chunked(c, next);
    return Number(len) > maxBody ? Promise.resolve(tooLarge(c)) : next();
  };
  for (const path of ["/v1/*", "/run_code", "/submit", "/get_reward", "/metrics"]) {
    if (opts.token) app.use(path, bearerAuth({ token: opts.token }));
    app.use(path, limit);
  }

  app.get("/metrics", async (c) =>
    c.text(await metrics.registry.metrics(), 200, { "content-type": metrics.registry.contentType }),
  );

  const suites = new SuiteStore(opts.store);
  const barrier = new GroupBarrier((job) => run(job, AbortSignal.timeout(opts.deadlineMs ?? 300_000)));
  nativeRoutes(app, { ...opts, executor, suites, barrier, metrics, admitted, run });

  return {
    app,
    metrics,
    drain: () => {
      draining = true;
    },
    closeStore: () => suites.close(),
    get queuedPairs() {
      return queued;
    },
    get inFlight() {
      return inFlight;
    },
  };
}

/**
 * Aborted when the client goes away or the deadline passes (a TimeoutError, as AbortSignal.timeout's), until
 * `done()`. AbortSignal.any over AbortSignal.timeout cost a weakly held composite signal and a timer left to
 * fire per request (≈ 30 µs and garbage per /run_code request); this is one controller, one cleared timer.
 */
function requestSignal(client: AbortSignal, deadlineMs: number): { signal: AbortSignal; done(): void } {
  const ctl = new AbortController();
  const gone = () => ctl.abort(client.reason);
  if (client.aborted) gone();
  else client.addEventListener("abort", gone, { once: true });
  const timer = setTimeout(
    () => ctl.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError")),
    deadlineMs,
  );
  timer.unref();
  return {
    signal: ctl.signal,
    done: () => {
      clearTimeout(timer);
      client.removeEventListener("abort", gone);
    },
  };
}

function openapi(): Record<string, unknown> {
  const schemas = Object.fromEntries(
    Object.entries({ ...SCHEMAS, SubmitRequest }).map(([k, s]) => [k, z.toJSONSchema(s, { io: "input" })]),
  );
  const post = (ref: string, summary: string) => ({
    post: {
      summary,
      requestBody: {
        required: true,
        content: { "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } },
      },
      responses: {
        "200": { description: "OK" },
        "400": { description: "Bad field" },
        "429": { description: "Queue full" },
      },
    },
  });
  return {
    openapi: "3.1.0",
    info: { title: "coderm serve", version: "1" },
    paths: {
      "/v1/suites": post("SuiteRequest", "Register tests once; returns a content-addressed suite_id"),
      "/v1/score": post("ScoreRequest", "Score N solutions against M tests and vote"),
      "/v1/reward": post("RewardRequest", "One solution; with group, held until the group is in, then voted"),
      "/get_reward": post("GetRewardRequest", "OpenRLHF remote reward: {rewards, scores, extra_logs}"),
      "/submit": post("SubmitRequest", "SandboxFusion-compatible submit: stdio or assert provided_data"),
      "/run_code": post("RunCodeRequest", "SandboxFusion-compatible program run"),
      "/healthz": {
        get: { summary: "Liveness and drain state", responses: { "200": { description: "OK" } } },
      },
      "/metrics": { get: { summary: "Prometheus metrics", responses: { "200": { description: "OK" } } } },
    },
    components: { schemas },
  };
}
