/**
 * POST /v1/suites with `generate`: the server samples unittest classes from a real OpenAI-compatible server
 * (test/support's fault-injecting one) through the llm stage, registers them, and scores against them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { suiteTestGenerator } from "../../src/run/index.js";
import { Sandbox } from "../../src/sandbox/index.js";
import { createApp, type RunningServer, startServer } from "../../src/serve/index.js";
import { openStore } from "../../src/store/index.js";
import { type ChatServer, startChatServer } from "../support/chat-server.js";

const PROBLEM = "Write a function named `inc` that returns its argument plus one.";
const SOLUTION = "def inc(x):\n    return x + 1\n";
const WRONG = "def inc(x):\n    return abs(x) - 1\n"; // passes inc(-1) == 0 only

/** Three tester answers: two different classes and a repeat of the first (a duplicate to drop). */
function testerAnswer(choice: number): string {
  const body = choice === 1 ? "self.assertEqual(inc(-1), 0)" : "self.assertEqual(inc(1), 2)";
  return `\`\`\`python\nimport unittest\n\nclass TestInc(unittest.TestCase):\n    def test_it(self):\n        ${body}\n\`\`\`\n`;
}

let sb: Sandbox;
let srv: RunningServer;
let chat: ChatServer;

beforeAll(async () => {
  chat = await startChatServer({
    respond: (req, choice) =>
      req.prompt.includes("NO-TESTS") ? "I cannot write tests." : testerAnswer(choice),
    // The first request fails with a 500: the llm stage's retry must hide it.
    fault: (_req, n) => (n === 1 ? { kind: "status", status: 500 } : undefined),
  });
  sb = await Sandbox.start({ workers: 1 });
  srv = await startServer({
    executor: sb,
    programs: sb,
    port: 0,
    generateTests: suiteTestGenerator({
      store: openStore(":memory:"),
      // The server's own key is configured for another tester server: it must never reach this one.
      env: { OPENAI_API_KEY: "server-secret", OPENAI_BASE_URL: "http://127.0.0.1:9/v1" },
      retries: 2,
    }),
  });
});
afterAll(async () => {
  await srv?.close();
  await sb?.close();
  await chat?.close();
});

const post = async (path: string, body: unknown) => {
  const r = await fetch(`${srv.url}${path}`, { method: "POST", body: JSON.stringify(body) });
  // biome-ignore lint/suspicious/noExplicitAny: the tests read several response shapes
  return { status: r.status, json: (await r.json()) as Record<string, any> };
};

describe("/v1/suites with generate", () => {
  it("samples M unittest classes, registers them, and a repeat is served from the cache", async () => {
    const req = {
      problem: PROBLEM,
      generate: { model: "tester-1", base_url: chat.baseURL, m: 3, solution: SOLUTION },
    };
    const a = await post("/v1/suites", req);
    expect(a.status, JSON.stringify(a.json)).toBe(200);
    expect(a.json).toMatchObject({
      suite_id: expect.stringMatching(/^s_[0-9a-f]{32}$/),
      tests: 2,
      generated: { model: "tester-1", asked: 3, kept: 2, failures: [] },
    });
    expect(a.json.generated.rejected).toEqual({ "duplicate unit test": 1 });
    // The paper's prompt, with the problem and the embedded solution; n = M in one request after the retry.
    const asked = chat.stats.log.at(-1)!;
    expect(asked.prompt).toContain(PROBLEM);
    expect(asked.prompt).toContain(SOLUTION.trim());
    expect(asked.n).toBe(3);
    expect(chat.stats.faults.status).toBe(1);
    expect(String(asked.headers.authorization)).not.toContain("server-secret");

    const requests = chat.stats.requests;
    const b = await post("/v1/suites", req);
    expect(b.json.suite_id).toBe(a.json.suite_id);
    expect(chat.stats.requests).toBe(requests);

    const s = await post("/v1/score", { suite_id: a.json.suite_id, solutions: [SOLUTION, WRONG] });
    expect(s.status).toBe(200);
    expect(s.json.results.map((r: { pass_rate: number }) => r.pass_rate)).toEqual([1, 0.5]);
    expect(s.json.results.map((r: { chosen: boolean }) => r.chosen)).toEqual([true, false]);
  });

  it("sends a key the request carries to its server only", async () => {
    const r = await post("/v1/suites", {
      problem: `${PROBLEM} (keyed)`,
      generate: { model: "tester-1", base_url: chat.baseURL, m: 2, api_key: "client-key" },
    });
    expect(r.status).toBe(200);
    expect(chat.stats.log.at(-1)!.headers.authorization).toBe("Bearer client-key");
  });

  it("answers 502 when the model gives no usable test, 400 for bad fields, 501 without a generator", async () => {
    const none = await post("/v1/suites", {
      problem: "NO-TESTS",
      generate: { model: "tester-1", base_url: chat.baseURL, m: 2 },
    });
    expect(none.status).toBe(502);
    expect(none.json.error).toMatch(
      /^generate: http:\/\/127.0.0.1:\d+\/v1: no usable unittest class in 2 samples/,
    );
    const both = await post("/v1/suites", {
      problem: PROBLEM,
      tests: ["x"],
      generate: { model: "m", base_url: chat.baseURL, m: 1 },
    });
    expect(both.status).toBe(400);
    expect(both.json.error).toMatch(/^tests: give exactly one of tests or generate/);
    const noProblem = await post("/v1/suites", { generate: { model: "m", base_url: chat.baseURL, m: 1 } });
    expect(noProblem.json.error).toMatch(/^problem: /);
    const badUrl = await post("/v1/suites", {
      problem: "p",
      generate: { model: "m", base_url: "nope", m: 1 },
    });
    expect(badUrl.json.error).toMatch(/^generate\.base_url: /);
    const bare = createApp({ executor: sb });
    const r = await bare.app.request("/v1/suites", {
      method: "POST",
      body: JSON.stringify({ problem: "p", generate: { model: "m", base_url: chat.baseURL, m: 1 } }),
    });
    expect(r.status).toBe(501);
    bare.closeStore();
  });
});
