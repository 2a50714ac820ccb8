import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/index.js";
import { type RunningServer, startServer } from "../../src/serve/index.js";

let sb: Sandbox;
let srv: RunningServer;
const TOKEN = "t0ken";

beforeAll(async () => {
  sb = await Sandbox.start({ workers: 2 });
  srv = await startServer({ executor: sb, programs: sb, port: 0, token: TOKEN, maxBodyBytes: 1 << 20 });
});
afterAll(async () => {
  await srv?.close();
  await sb?.close();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${srv.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

const unittest = (body: string) =>
  `import unittest\nclass T(unittest.TestCase):\n    def test_a(self):\n        ${body}\n`;

describe("coderm serve", () => {
  it("answers /healthz without a token and documents its schemas in /openapi.json", async () => {
    const h = await fetch(`${srv.url}/healthz`);
    expect(h.status).toBe(200);
    expect(await h.json()).toMatchObject({ ok: true, draining: false, queued_pairs: 0 });
    const spec = (await (await fetch(`${srv.url}/openapi.json`)).json()) as {
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    expect(Object.keys(spec.components.schemas.ScoreRequest!.properties)).toEqual(
      expect.arrayContaining(["tests", "solutions", "strategy", "format"]),
    );
    expect(Object.keys(spec.components.schemas.RunCodeRequest!.properties)).toEqual(
      expect.arrayContaining(["code", "language", "stdin", "run_timeout", "memory_limit_MB", "files"]),
    );
  });

  it("/v1/score runs every pair, returns the pass matrix and the CodeRM vote", async () => {
    const res = await post("/v1/score", {
      solutions: [
        "def add(a, b):\n    return a + b\n",
        "def add(a, b):\n    return a - b\n",
        "def add(a, b):\n    return a + b  # same behaviour as 0\n",
      ],
      tests: [
        unittest("self.assertEqual(add(1, 2), 3)"),
        unittest("self.assertEqual(add(2, 2), 4)"),
        unittest("self.assertEqual(add(0, 0), 0)"),
      ],
    });
    expect(res.status).toBe(200);
    const out = (await res.json()) as {
      strategy: string;
      matrix: number[][];
      chosen: number[];
      results: { reward: number; pass_rate: number; chosen: boolean; verdicts: string[] }[];
    };
    expect(out.strategy).toBe("coderm-vote");
    expect(out.matrix).toEqual([
      [1, 1, 1],
      [0, 0, 1],
      [1, 1, 1],
    ]);
    expect(out.chosen).toEqual([0, 2]);
    expect(out.results.map((r) => r.reward)).toEqual([1, 0, 1]);
    expect(out.results[1]).toMatchObject({
      pass_rate: 1 / 3,
      chosen: false,
      verdicts: ["fail", "fail", "pass"],
    });

    const pr = (await (
      await post("/v1/score", {
        strategy: "pass-rate",
        format: "assert",
        solutions: ["def sq(x):\n    return x * x\n"],
        tests: [["assert sq(2) == 4", "assert sq(3) == 9"], "assert sq(-1) == -1"],
      })
    ).json()) as { results: { reward: number; verdicts: string[] }[] };
    expect(pr.results[0]).toMatchObject({ reward: 0.5, verdicts: ["pass", "fail"] });
  });

  it("refuses bad requests with the status and the field named", async () => {
    const noAuth = await fetch(`${srv.url}/v1/score`, { method: "POST", body: "{}" });
    expect(noAuth.status).toBe(401);
    const bad = await post("/v1/score", "{not json");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "malformed JSON body" });
    const field = await post("/v1/score", {
      solutions: ["x = 1"],
      tests: [unittest("pass")],
      strategy: "best",
    });
    expect(field.status).toBe(400);
    expect(((await field.json()) as { error: string }).error).toMatch(/^strategy: /);
    const missing = await post("/v1/score", { tests: [unittest("pass")] });
    expect(((await missing.json()) as { error: string }).error).toMatch(/^solutions: /);
    const big = await post("/v1/score", { solutions: ["x".repeat(2 << 20)], tests: ["t"] });
    expect(big.status).toBe(413);
    // Without a Content-Length (chunked), the limit counts the bytes as they arrive.
    const chunk = new TextEncoder().encode("x".repeat(1 << 16));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(ctl) {
        if (sent++ < 20) ctl.enqueue(chunk);
        else ctl.close();
      },
    });
    const chunked = await fetch(`${srv.url}/run_code`, {
      method: "POST",
      body: stream,
      headers: { authorization: `Bearer ${TOKEN}` },
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
    const small = new Blob([JSON.stringify({ code: "print(6 * 7)" })]).stream();
    const fine = await fetch(`${srv.url}/run_code`, {
      method: "POST",
      body: small,
      headers: { authorization: `Bearer ${TOKEN}` },
      duplex: "half",
    } as RequestInit);
    expect(await fine.json()).toMatchObject({ status: "Success", run_result: { stdout: "42\n" } });
  });

  it("/run_code speaks SandboxFusion: statuses, return codes, whole stdout", async () => {
    const ok = await post("/run_code", { code: "print(input()[::-1])", language: "python", stdin: "abc\n" });
    expect(await ok.json()).toMatchObject({
      status: "Success",
      compile_result: null,
      run_result: { status: "Finished", return_code: 0, stdout: "cba\n", stderr: "", truncated: false },
      files: {},
    });
    const failed = (await (await post("/run_code", { code: "import sys\nsys.exit(3)" })).json()) as {
      status: string;
      run_result: { status: string; return_code: number };
    };
    expect(failed).toMatchObject({ status: "Failed", run_result: { status: "Finished", return_code: 3 } });
    const slow = await post("/run_code", { code: "while True: pass", run_timeout: 0.5 });
    expect(await slow.json()).toMatchObject({
      status: "Failed",
      run_result: { status: "TimeLimitExceeded" },
    });
    // 300 KB of output: SandboxFusion returned 219 KB of 289 KB and said Success.
    const large = (await (await post("/run_code", { code: "print('y' * 300_000)" })).json()) as {
      run_result: { stdout: string; truncated: boolean };
    };
    expect(large.run_result.stdout.length).toBe(300_001);
    expect(large.run_result.truncated).toBe(false);
    const files = await post("/run_code", {
      code: "print(open('data/in.txt').read())",
      files: { "data/in.txt": Buffer.from("from a file").toString("base64") },
    });
    expect(await files.json()).toMatchObject({ status: "Success", run_result: { stdout: "from a file\n" } });
    const fetched = await post("/run_code", {
      code: "open('out.txt', 'w').write(open('in.txt').read().upper())",
      files: { "in.txt": Buffer.from("shout").toString("base64") },
      fetch_files: ["out.txt", "missing.txt"],
    });
    expect(await fetched.json()).toMatchObject({
      status: "Success",
      files: { "out.txt": Buffer.from("SHOUT").toString("base64") },
    });
    const outside = await post("/run_code", { code: "print(1)", fetch_files: ["../../etc/passwd"] });
    expect(await outside.json()).toMatchObject({ status: "SandboxError", message: /^fetch_files: / });
    const cpp = await post("/run_code", { code: "int main(){}", language: "cpp" });
    expect(await cpp.json()).toMatchObject({ status: "SandboxError", run_result: null });
    expect(
      ((await (await post("/run_code", { language: "python" })).json()) as { error: string }).error,
    ).toMatch(/^code: /);
  });

  it("exports Prometheus metrics with verdict counts", async () => {
    const text = await (
      await fetch(`${srv.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).text();
    expect(text).toMatch(/coderm_pairs_total\{verdict="pass"\} \d+/);
    expect(text).toMatch(/coderm_request_seconds_bucket\{.*route="\/v1\/score"/);
  });
});

describe("/submit (SandboxFusion)", () => {
  const stdio = (pairs: [string, string][]) =>
    pairs.map(([stdin, stdout]) => ({ input: { stdin }, output: { stdout } }));
  const submit = async (completion: string, provided_data: unknown, extra: Record<string, unknown> = {}) =>
    (await (
      await post("/submit", {
        dataset: "x",
        id: 7,
        completion,
        config: { language: "python", provided_data, extra },
      })
    ).json()) as { id: number; accepted: boolean; extracted_code: string; tests: { passed: boolean }[] };

  it("judges stdio cases with SandboxFusion's comparison and stops at the first failure", async () => {
    const code = "```python\na, b = map(int, input().split())\nprint(a + b)\nprint('Done  ')\n```";
    const cases = stdio([
      ["1 2\n", "3\ndone\n"],
      ["2 2\n", "5\ndone"],
      ["0 0\n", "0\ndone"],
    ]);
    const first = await submit(code, { test: cases });
    expect(first).toMatchObject({ id: 7, accepted: false, extracted_code: expect.stringMatching(/^a, b/) });
    expect(first.tests.map((t) => t.passed)).toEqual([true, false]);
    const all = await submit(code, { test: JSON.stringify(cases) }, { run_all_cases: true });
    expect(all.tests.map((t) => t.passed)).toEqual([true, false, true]);
    const ok = await submit("print(0.1 + 0.2)", { test: stdio([["", "0.3"]]) });
    expect(ok.accepted).toBe(true);
  });

  it("runs assert code after the completion, with check(entry_point)", async () => {
    const check = "def check(candidate):\n    assert candidate(2) == 4\n";
    expect((await submit("def sq(x):\n    return x * x", { test: check, entry_point: "sq" })).accepted).toBe(
      true,
    );
    expect(
      (await submit("def sq(x):\n    return x + x + 1", { test: check, entry_point: "sq" })).accepted,
    ).toBe(false);
  });
});
