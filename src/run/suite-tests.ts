/**
 * Unit tests for one problem sampled from a tester model: what `coderm serve`'s `POST /v1/suites` with
 * `generate` runs. The same path as the `tests` stage of `run()`: the paper's unit-test prompt, the llm stage
 * (retries with backoff, `n` per request, the response cache) through `generateSamples`, and
 * `samplesFromResponses` (extraction, duplicates dropped). The cache makes a repeated request give the same
 * samples, so the suite id it yields is stable too.
 *
 * The server's API key never goes to a server a client names: it is sent only when `baseUrl` is the tester
 * server this process was configured with (CODERM_TESTER_BASE_URL, then OPENAI_BASE_URL). Any other server
 * gets the key the request carries, or none.
 */
import { createHash } from "node:crypto";
import { CodermError } from "../errors.js";
import { ModelConfigSchema, OpenAIProvider, withModelEnv } from "../llm/index.js";
import { unitTestPromptText, userPrompt } from "../prompts/index.js";
import type { SuiteTests, SuiteTestsRequest } from "../records.js";
import { ResponseCache, type Store } from "../store/index.js";
import { generateSamples } from "./generate.js";

export interface SuiteTestGeneratorOptions {
  /** Where responses are cached (the server's --store, or a memory store). */
  store?: Store;
  env?: NodeJS.ProcessEnv;
  /** Seconds per model request (default 600) and retries per sample (default 6). */
  timeoutS?: number;
  retries?: number;
}

const sameServer = (a: string, b: string) => a.replace(/\/+$/, "") === b.replace(/\/+$/, "");

/** A function from a suite request to its generated tests; throws CodermError E_SERVER when none came back. */
export function suiteTestGenerator(
  opts: SuiteTestGeneratorOptions = {},
): (req: SuiteTestsRequest) => Promise<SuiteTests> {
  const env = opts.env ?? process.env;
  const cache = opts.store ? new ResponseCache(opts.store) : undefined;
  return async (req) => {
    const model = ModelConfigSchema.parse({
      baseUrl: req.baseUrl,
      model: req.model,
      timeout: opts.timeoutS ?? 600,
      retries: opts.retries ?? 6,
    });
    const configured = withModelEnv("tester", {}, env).baseUrl;
    const key =
      req.apiKey ??
      (configured !== undefined && sameServer(configured, req.baseUrl) ? env[model.apiKeyEnv] : undefined);
    const provider = new OpenAIProvider({
      baseURL: req.baseUrl,
      model: req.model,
      apiKeyEnv: "KEY",
      env: key ? { KEY: key } : {},
    });
    const id = createHash("sha256")
      .update(`${req.problem}\0${req.solution ?? ""}`)
      .digest("hex")
      .slice(0, 16);
    const g = await generateSamples({
      role: "tester",
      prompts: [userPrompt(`suite-${id}`, unitTestPromptText(req.problem, req.solution ?? ""))],
      n: req.m,
      model,
      provider,
      cache,
      signal: req.signal,
    });
    const tests = g.samples
      .filter((s) => s.test !== null && s.rejected === undefined)
      .map((s) => s.test as string);
    const out = {
      tests,
      model: g.model,
      asked: req.m,
      failures: g.failures.map((f) => f.slice(f.indexOf(" ") + 1)),
      rejected: g.rejected,
    };
    if (tests.length === 0)
      throw new CodermError(
        "E_SERVER",
        `no usable unittest class in ${req.m} samples (${describe(out)})`,
        req.baseUrl,
      );
    return out;
  };
}

function describe(t: Pick<SuiteTests, "failures" | "rejected">): string {
  const parts = Object.entries(t.rejected).map(([why, n]) => `${n} ${why}`);
  if (t.failures.length > 0) parts.unshift(`${t.failures.length} failed: ${t.failures[0]}`);
  return parts.join("; ") || "nothing returned";
}
