import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";

/** Why a request failed, normalised across the openai client, fetch and our own timeout. */
export type FailureKind =
  | "rate-limit" // 429
  | "server" // 5xx, 408, 409
  | "timeout" // our per-request deadline
  | "connection" // reset, refused, DNS
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
  if (e instanceof APIConnectionError) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return new RequestFailure(
      "connection",
      `connection error: ${cause?.code ?? cause?.message ?? e.message}`,
    );
  }
  if (e instanceof APIError) {
    const status = e.status ?? 0;
    const retryAfter = parseRetryAfter(e.headers);
    const msg = `HTTP ${status}: ${firstLine(e.message)}`;
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
  if (err?.code && /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|UND_ERR_SOCKET)$/.test(err.code)) {
    return new RequestFailure("connection", `connection error: ${err.code}`);
  }
  return new RequestFailure("malformed", `unexpected response: ${firstLine(err?.message ?? String(e))}`);
}

function firstLine(s: string): string {
  return (s.split("\n")[0] ?? "").slice(0, 200);
}
