import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";

/** Why a request failed, normalised across the openai client, fetch and our own timeout. */
export type FailureKind =
  | "rate-limit" // 429
  | "server" // 5xx, 408, 409
  | "timeout" // our per-request deadline
  | "connection" // reset mid-request, or refused after the server has answered before
  | "unreachable" // refused, no such host, DNS failure: nothing answers at the URL
  | "not-api" // a 2xx body that is not JSON (an HTML page, a proxy's login form)
  | "malformed" // the server answered with something that is not a chat completion
  | "empty" // a choice without content
  | "client" // 4xx that retrying cannot fix
  | "fatal" // 401/403/404: every request would fail the same way
  | "aborted"; // the run was stopped

export class RequestFailure extends Error {
  override readonly name = "RequestFailure";
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly status?: number,
    /** Server-requested delay before the next attempt (retry-after / retry-after-ms). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  get retryable(): boolean {
    return ["rate-limit", "server", "timeout", "connection", "malformed", "empty"].includes(this.kind);
  }
}

/**
 * Parse `retry-after-ms` (milliseconds) or `retry-after` (seconds, or an HTTP date) into a delay in ms.
 * Returns undefined when absent or unparsable.
 */
export function parseRetryAfter(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "") {
    const v = Number(ms);
    if (Number.isFinite(v) && v >= 0) return v;
  }
  const ra = headers.get("retry-after");
  if (ra === null || ra.trim() === "") return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(ra)) return Number(ra) * 1000;
  const date = Date.parse(ra);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Classify anything thrown by a provider call. `timedOut` says our own deadline fired. */
export function classifyError(e: unknown, timedOut: boolean, runAborted: boolean): RequestFailure {
  if (e instanceof RequestFailure) return e;
  if (runAborted) return new RequestFailure("aborted", "run stopped");
  if (timedOut) return new RequestFailure("timeout", "request timed out");
  if (e instanceof APIUserAbortError) return new RequestFailure("timeout", "request aborted");
  if (e instanceof APIConnectionTimeoutError) return new RequestFailure("timeout", "request timed out");
  if (e instanceof APIConnectionError) return connectionFailure(e);
  if (e instanceof APIError) {
    const status = e.status ?? 0;
    const retryAfter = parseRetryAfter(e.headers);
    // A proxy's error page would otherwise fill the line with markup.
    const msg = /<(!doctype|html|head|body)\b/i.test(e.message)
      ? `HTTP ${status}: an HTML page, not the API's JSON`
      : `HTTP ${status}: ${firstLine(e.message)}`;
    if (status === 429) return new RequestFailure("rate-limit", msg, status, retryAfter);
    if (status >= 500 || status === 408 || status === 409)
      return new RequestFailure("server", msg, status, retryAfter);
    if (status === 401 || status === 403 || status === 404) return new RequestFailure("fatal", msg, status);
    if (status === 0) return new RequestFailure("malformed", msg, status);
    return new RequestFailure("client", msg, status);
  }
  if (e instanceof SyntaxError)
    return new RequestFailure("malformed", `malformed response: ${firstLine(e.message)}`);
  const err = e as { code?: string; message?: string; name?: string };
  if (err?.name === "AbortError") return new RequestFailure("timeout", "request aborted");
  if (
    err?.code &&
    /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|UND_ERR_SOCKET|ENOTFOUND|EAI_AGAIN)$/.test(err.code)
  )
    return connectionFailure(e);
  return new RequestFailure("malformed", `unexpected response: ${firstLine(err?.message ?? String(e))}`);
}

/** What each system error code means to a user, for the codes that say nothing answers at the URL. */
const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "no such host",
  EAI_AGAIN: "DNS lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
};

/**
 * fetch (undici) wraps the system error twice (APIConnectionError → TypeError "fetch failed" → Error with
 * `code`), and a host with several addresses adds an AggregateError: walk the chain for the first code.
 */
function errorCode(e: unknown): string | undefined {
  const seen = new Set<unknown>();
  let cur = e as { code?: unknown; cause?: unknown; errors?: unknown[] } | undefined;
  while (cur && typeof cur === "object" && !seen.has(cur)) {
    seen.add(cur);
    if (typeof cur.code === "string" && /^E[A-Z_]+$/.test(cur.code)) return cur.code;
    cur = (cur.cause ?? cur.errors?.[0]) as typeof cur;
  }
  return undefined;
}

function causeMessages(e: unknown): string[] {
  const out: string[] = [];
  let cur = e as { message?: unknown; cause?: unknown } | undefined;
  for (let i = 0; cur && typeof cur === "object" && i < 5; i++) {
    if (typeof cur.message === "string") out.push(cur.message);
    cur = cur.cause as typeof cur;
  }
  return out;
}

function connectionFailure(e: unknown): RequestFailure {
  const code = errorCode(e);
  const plain = code ? UNREACHABLE[code] : undefined;
  if (plain) return new RequestFailure("unreachable", `${plain} (${code})`);
  // fetch refuses some ports outright (9, 25, 6000, …: the WHATWG "bad port" list): no retry can help.
  if (causeMessages(e).includes("bad port"))
    return new RequestFailure("unreachable", "port blocked by fetch (bad port): use another port");
  const detail = code ?? (e as { cause?: { message?: string } }).cause?.message ?? (e as Error).message;
  return new RequestFailure("connection", `connection error: ${detail}`);
}

function firstLine(s: string): string {
  return (s.split("\n")[0] ?? "").slice(0, 200);
}
