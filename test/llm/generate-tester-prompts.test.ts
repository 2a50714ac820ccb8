/**
 * `coderm generate --role tester --benchmark humaneval+|mbpp+|livecodebench` without `--from-solutions` sends the paper's
 * exact prompts (issue 15 item 12): CodeRM's `input_*_ut.jsonl` embed one model-written solution per task,
 * and every request the local chat server receives must equal that file's prompt byte for byte. The
 * canonical-solution prompt stays behind `--embed canonical`.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ChatServer, startChatServer } from "../support/chat-server.js";

const root = new URL("../../", import.meta.url).pathname;
let dir: string;
let server: ChatServer;

const RESPONSE =
  "```python\nimport unittest\n\nclass TestX(unittest.TestCase):\n    def test_a(self):\n        self.assertTrue(True)\n```";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "coderm-gen-tester-"));
  server = await startChatServer({ respond: () => RESPONSE });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  server.stats.log.length = 0;
});

function generate(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn("npx", ["tsx", "src/cli/main.ts", "generate", "--role", "tester", ...args], {
    cwd: root,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: "k", NO_COLOR: "1" },
  });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += String(d);
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stderr })));
}

function paperPrompts(benchmark: string): Map<string, string> {
  const text = readFileSync(join(root, `vendor/coderm/input_${benchmark}_ut.jsonl`), "utf8");
  const records = text
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as { task_id: string; messages: { role: string; content: string }[] });
  return new Map(
    records.map((r) => {
      expect(r.messages).toHaveLength(1);
      return [r.task_id, r.messages[0]!.content];
    }),
  );
}

const common = (name: string) => [
  "--n",
  "1",
  "--model",
  "m",
  "--no-cache",
  "-j",
  "16",
  "--store",
  join(dir, `${name}.sqlite`),
  "--out",
  join(dir, `${name}.jsonl`),
];

describe("generate --role tester: the paper's prompts by default", () => {
  it.each([
    ["humaneval+", 164],
    ["mbpp+", 378],
    ["livecodebench", 168],
  ] as const)(
    "sends all %s tester prompts byte-equal to the bundled paper prompts",
    async (benchmark, count) => {
      const paper = paperPrompts(benchmark);
      expect(paper.size).toBe(count);
      const r = await generate(["--benchmark", benchmark, ...common(benchmark)]);
      expect(r.code, r.stderr).toBe(0);
      const log = server.stats.log;
      expect(log).toHaveLength(count);
      const seen = new Set<string>();
      let equal = 0;
      for (const req of log) {
        expect(req.body.messages).toHaveLength(1);
        const prompt = req.body.messages[0]!.content;
        // The prompt names its task only through its text: find the paper prompt it must be.
        const match = [...paper].find(([, p]) => p === prompt);
        expect(match, `request ${prompt.slice(0, 200)}… is no paper prompt`).toBeDefined();
        seen.add(match![0]);
        equal++;
      }
      expect(equal).toBe(count);
      expect(seen.size).toBe(count);
      expect(r.stderr).toContain(`tester prompts: the paper's (${benchmark}`);
    },
  );

  it("keeps the canonical-solution prompt behind --embed canonical, and refuses conflicting choices", async () => {
    const paper = paperPrompts("humaneval+");
    const r = await generate([
      "--benchmark",
      "humaneval+",
      "--limit",
      "3",
      "--embed",
      "canonical",
      ...common("c"),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("canonical solution (--embed canonical)");
    const prompts = server.stats.log.map((q) => q.body.messages[0]!.content);
    expect(prompts).toHaveLength(3);
    for (const p of prompts) expect([...paper.values()]).not.toContain(p);
    // HumanEval/0's canonical solution is what the prompt embeds.
    expect(prompts.some((p) => p.includes("if sorted_numbers[i + 1] - sorted_numbers[i] < threshold:"))).toBe(
      true,
    );

    const both = await generate([
      "--benchmark",
      "humaneval+",
      "--embed",
      "paper",
      "--from-solutions",
      join(dir, "none.jsonl"),
      ...common("both"),
    ]);
    expect(both.code).not.toBe(0);
    expect(both.stderr).toMatch(/--embed.*pass one of --from-solutions and --embed/);
    const none = await generate(["--benchmark", "humaneval", "--embed", "paper", ...common("none")]);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain("no bundled paper prompts for humaneval");
    const policy = await generate(["--benchmark", "mbpp+", "--embed", "sometimes", ...common("bad")]);
    expect(policy.code).not.toBe(0);
    expect(policy.stderr).toMatch(/--embed.*one of paper, canonical/);
    expect(server.stats.log).toHaveLength(3);
  });
});
