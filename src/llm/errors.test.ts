import { APIConnectionError } from "openai";
import { describe, expect, it } from "vitest";
import { classifyError } from "./errors.js";

/** The shape undici gives fetch failures: the system error two causes down. */
function fetchFailure(code: string, syscall = "getaddrinfo"): APIConnectionError {
  const sys = Object.assign(new Error(`${syscall} ${code} example.invalid`), { code, syscall });
  return new APIConnectionError({ cause: new TypeError("fetch failed", { cause: sys }) });
}

describe("classifyError", () => {
  it("names the cause of DNS and refused-connection failures and marks them unreachable", () => {
    const cases: [string, RegExp][] = [
      ["ECONNREFUSED", /connection refused/],
      ["ENOTFOUND", /no such host/],
      ["EAI_AGAIN", /DNS lookup failed/],
    ];
    for (const [code, text] of cases) {
      const f = classifyError(fetchFailure(code), false, false);
      expect(f.kind).toBe("unreachable");
      expect(f.message).toMatch(text);
      expect(f.retryable).toBe(false);
    }
  });

  it("finds the code behind an AggregateError (a host with several addresses)", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED ::1:80"), { code: "ECONNREFUSED" });
    const e = new APIConnectionError({
      cause: new TypeError("fetch failed", { cause: new AggregateError([refused]) }),
    });
    expect(classifyError(e, false, false).kind).toBe("unreachable");
  });

  it("keeps a reset mid-request a retryable connection error", () => {
    const f = classifyError(fetchFailure("ECONNRESET", "read"), false, false);
    expect(f.kind).toBe("connection");
    expect(f.retryable).toBe(true);
  });
});
