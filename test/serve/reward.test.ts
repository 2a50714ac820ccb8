import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/index.js";
import { type RunningServer, startServer } from "../../src/serve/index.js";

let sb: Sandbox;
let srv: RunningServer;

beforeAll(async () => {
  sb = await Sandbox.start({ workers: 2 });
  srv = await startServer({ executor: sb, programs: sb, port: 0 });
});
afterAll(async () => {
  await srv?.close();
  await sb?.close();
});

const post = async (path: string, body: unknown) => {
  const r = await fetch(`${srv.url}${path}`, { method: "POST", body: JSON.stringify(body) });
  // biome-ignore lint/suspicious/noExplicitAny: the tests read several response shapes
  return { status: r.status, json: (await r.json()) as Record<string, any> };
};

const TESTS = [["assert inc(1) == 2"], ["assert inc(-1) == 0"], ["assert inc(10) == 11"]];
const RIGHT = "def inc(x):\n    return x + 1\n";
const WRONG = "def inc(x):\n    return 2 if x == 1 else 0\n";
const md = (code: string) => `Here you go:\n\`\`\`python\n${code}\`\`\`\n`;

describe("/v1/suites, /v1/reward and /get_reward", () => {
  it("registers a suite idempotently by content and scores against it", async () => {
    const a = await post("/v1/suites", { problem: "inc", tests: TESTS, format: "assert" });
    const b = await post("/v1/suites", { problem: "inc again", tests: TESTS, format: "assert" });
    expect(a.status).toBe(200);
    expect(a.json.suite_id).toMatch(/^s_[0-9a-f]{32}$/);
    expect(b.json.suite_id).toBe(a.json.suite_id);
    const s = await post("/v1/score", {
      suite_id: a.json.suite_id,
      solutions: [RIGHT, WRONG],
      strategy: "argmax",
    });
    expect(s.json.matrix).toEqual([
      [1, 1, 1],
      [1, 1, 0],
    ]);
    const unknown = await post("/v1/score", { suite_id: "s_nope", solutions: [RIGHT] });
    expect(unknown).toMatchObject({ status: 404, json: { error: expect.stringMatching(/^suite_id: /) } });
    const both = await post("/v1/score", { suite_id: a.json.suite_id, tests: TESTS, solutions: [RIGHT] });
    expect(both).toMatchObject({ status: 400, json: { error: expect.stringMatching(/^tests: /) } });
  });

  it("scores one response alone by its pass rate, extracting the code block", async () => {
    const r = await post("/v1/reward", { tests: TESTS, format: "assert", solution: md(WRONG) });
    expect(r.json).toMatchObject({ strategy: "pass-rate", verdicts: ["pass", "pass", "fail"] });
    expect(r.json.reward).toBeCloseTo(2 / 3);
  });

  it("holds group members until the group is in, then answers each from one vote", async () => {
    const group = { id: "g-full", size: 3, wait_ms: 60_000 };
    const req = (solution: string) => post("/v1/reward", { tests: TESTS, format: "assert", solution, group });
    const [a, b, c] = await Promise.all([req(RIGHT), req(md(WRONG)), req(`${RIGHT}# same behaviour\n`)]);
    for (const r of [a, b, c])
      expect(r.json.group).toMatchObject({ id: "g-full", size: 3, received: 3, timed_out: false });
    expect([a, b, c].map((r) => r.json.group.index).sort()).toEqual([0, 1, 2]);
    expect(a.json).toMatchObject({ reward: 1, chosen: true, strategy: "coderm-vote" });
    expect(b.json).toMatchObject({ reward: 0, chosen: false });
    expect(c.json).toMatchObject({ reward: 1, chosen: true });
  });

  it("answers a partial group at its deadline with the vote over who came", async () => {
    const group = { id: "g-late", size: 4, wait_ms: 300 };
    const [a, b] = await Promise.all(
      [WRONG, RIGHT].map((solution) =>
        post("/v1/reward", { tests: TESTS, format: "assert", solution, group }),
      ),
    );
    expect(a!.json.group).toMatchObject({ received: 2, timed_out: true });
    expect(a!.json).toMatchObject({ reward: 0, chosen: false });
    expect(b!.json).toMatchObject({ reward: 1, chosen: true });
    const clash = await Promise.all([
      post("/v1/reward", {
        tests: TESTS,
        format: "assert",
        solution: RIGHT,
        group: { ...group, id: "g-clash" },
      }),
      post("/v1/reward", {
        tests: [["assert True"]],
        format: "assert",
        solution: RIGHT,
        group: { ...group, id: "g-clash" },
      }),
    ]);
    expect(clash[1]).toMatchObject({ status: 400, json: { error: expect.stringMatching(/^group\.id: /) } });
  });

  it("/get_reward speaks OpenRLHF: query = prompt + response, a label names a suite or carries tests", async () => {
    const suite = (await post("/v1/suites", { tests: TESTS, format: "assert" })).json.suite_id as string;
    const prompt = "Write inc.\n";
    const r = await post("/get_reward", {
      query: [prompt + md(RIGHT), prompt + md(WRONG)],
      prompts: [prompt, prompt],
      labels: [suite, JSON.stringify({ tests: TESTS, format: "assert" })],
    });
    expect(r.status).toBe(200);
    expect(r.json.rewards[0]).toBe(1);
    expect(r.json.rewards[1]).toBeCloseTo(2 / 3);
    expect(r.json.scores).toEqual(r.json.rewards);
    expect(r.json.extra_logs).toBeDefined();
    const bad = await post("/get_reward", { query: ["x"], labels: ["not a suite"] });
    expect(bad).toMatchObject({ status: 400, json: { error: expect.stringMatching(/^labels\.0: /) } });
  });
});

describe("--store", () => {
  it("keeps registered suites across a restart", async () => {
    const store = join(mkdtempSync(join(tmpdir(), "coderm-store-")), "suites.sqlite");
    const first = await startServer({ executor: sb, programs: sb, port: 0, store });
    const id = (
      (await (
        await fetch(`${first.url}/v1/suites`, {
          method: "POST",
          body: JSON.stringify({ tests: TESTS, format: "assert" }),
        })
      ).json()) as { suite_id: string }
    ).suite_id;
    await first.close();
    const second = await startServer({ executor: sb, programs: sb, port: 0, store });
    try {
      const r = await fetch(`${second.url}/v1/score`, {
        method: "POST",
        body: JSON.stringify({ suite_id: id, solutions: [RIGHT], strategy: "pass-rate" }),
      });
      expect(((await r.json()) as { matrix: number[][] }).matrix).toEqual([[1, 1, 1]]);
    } finally {
      await second.close();
    }
  });
});
