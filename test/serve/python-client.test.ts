import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadBenchmark } from "../../src/problems/evalplus.js";
import { Sandbox } from "../../src/sandbox/index.js";
import { type RunningServer, startServer } from "../../src/serve/index.js";

let sb: Sandbox;
let srv: RunningServer;
const TOKEN = "py-token";

beforeAll(async () => {
  sb = await Sandbox.start({ workers: 2 });
  srv = await startServer({ executor: sb, programs: sb, port: 0, token: TOKEN });
});
afterAll(async () => {
  await srv?.close();
  await sb?.close();
});

const stdinMain = (entry: string) =>
  `\nimport json\nargs = json.loads(input())\nprint(repr(${entry}(*args)))\n`;

/** Real HumanEval+ tasks in both forms; the stdin form's expected outputs come from the canonical program. */
async function tasks(ids: string[]) {
  const rows = (await loadBenchmark("humaneval+")).records.filter((r) => ids.includes(r.task_id));
  return Promise.all(
    rows.map(async (r) => {
      const right = r.prompt + (r.canonical_solution ?? "");
      const wrong = `${r.prompt}    return None\n`;
      const inputs = (r.base_input ?? []).slice(0, 4).map((a) => JSON.stringify(a));
      const outputs = await Promise.all(
        inputs.map(
          async (stdin) => (await sb.runProgram({ code: right + stdinMain(r.entry_point), stdin })).stdout,
        ),
      );
      const tests = [
        `import unittest\n${r.test ?? ""}\nclass TestCheck(unittest.TestCase):\n    def test_check(self):\n        check(${r.entry_point})\n`,
      ];
      return {
        prompt: r.prompt,
        right,
        wrong,
        tests,
        right_program: right + stdinMain(r.entry_point),
        wrong_program: wrong + stdinMain(r.entry_point),
        inputs,
        outputs,
      };
    }),
  );
}

describe("Python client (stdlib, Debian python3)", () => {
  it("serves verl compute_score and TRL grpo_reward on HumanEval+ in function and stdin form", async () => {
    const dir = mkdtempSync(join(tmpdir(), "coderm-py-"));
    const file = join(dir, "tasks.json");
    writeFileSync(file, JSON.stringify(await tasks(["HumanEval/0", "HumanEval/2"])));
    const { stdout } = await promisify(execFile)(
      "/usr/bin/python3",
      ["clients/python/test_client.py", file],
      {
        env: {
          PATH: process.env.PATH,
          CODERM_URL: srv.url,
          CODERM_TOKEN: TOKEN,
          PYTHONPATH: "clients/python",
        },
      },
    );
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out.verl_function).toEqual([
      [1, 0],
      [1, 0],
    ]);
    expect(out.verl_stdin).toEqual([
      [1, 0],
      [1, 0],
    ]);
    expect(out.trl).toEqual([1, 0, 1, 1, 0, 1]);
    expect(out.verl_async).toBe(1);
    expect(out.errors).toEqual([[400, expect.stringMatching(/HTTP 400: tests: /)]]);
  });
});
