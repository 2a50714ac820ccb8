/**
 * A tiny benchmark with HumanEval-style ground truth and a deterministic "model" for the local
 * chat-completions server: policy answers are right or wrong by choice index, tester answers are unittest
 * classes (some with a wrong expectation), so every stage has real work and a known outcome.
 */
import { writeFileSync } from "node:fs";
import type { ReceivedRequest } from "../support/chat-server.js";

interface Fn {
  name: string;
  sig: string;
  right: string;
  wrong: string;
  cases: [string, string][];
}

export const FNS: Fn[] = [
  {
    name: "add",
    sig: "a, b",
    right: "return a + b",
    wrong: "return a - b",
    cases: [
      ["2, 3", "5"],
      ["0, 0", "0"],
      ["-1, 4", "3"],
    ],
  },
  {
    name: "is_even",
    sig: "n",
    right: "return n % 2 == 0",
    wrong: "return n % 2 == 1",
    cases: [
      ["4", "True"],
      ["7", "False"],
      ["0", "True"],
    ],
  },
  {
    name: "reverse",
    sig: "s",
    right: "return s[::-1]",
    wrong: "return s",
    cases: [
      ["'abc'", "'cba'"],
      ["''", "''"],
      ["'ab'", "'ba'"],
    ],
  },
];

export function writeProblems(file: string): void {
  const lines = FNS.map((f, i) => ({
    task_id: `Tiny/${i}`,
    prompt: `def ${f.name}(${f.sig}):\n    """Compute ${f.name}."""\n`,
    entry_point: f.name,
    canonical_solution: `    ${f.right}\n`,
    test: `def check(candidate):\n${f.cases.map(([a, r]) => `    assert candidate(${a}) == ${r}\n`).join("")}`,
  }));
  writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`);
}

function fnOf(prompt: string): Fn {
  const f = FNS.find((x) => prompt.includes(`def ${x.name}(`));
  if (!f) throw new Error(`no tiny function in prompt: ${prompt.slice(0, 200)}`);
  return f;
}

/** Deterministic by (prompt, choice): reruns against a fresh store get the same samples. */
export function tinyModel(request: ReceivedRequest, choice: number): string {
  const f = fnOf(request.prompt);
  if (request.prompt.includes("unittest")) {
    const [a, r] = f.cases[choice % f.cases.length]!;
    const expected = choice % 4 === 3 ? `not (${r})` : r;
    return [
      "```python",
      "import time",
      "import unittest",
      "",
      `class Test${f.name}${choice}(unittest.TestCase):`,
      "    def test_case(self):",
      "        time.sleep(0.05)",
      `        self.assertEqual(${f.name}(${a}), ${expected})`,
      "",
      "    def test_type(self):",
      `        self.assertIsNotNone(${f.name}(${a}))`,
      "",
      "if __name__ == '__main__':",
      "    unittest.main()",
      "```",
    ].join("\n");
  }
  const body = choice % 3 === 1 ? f.wrong : f.right;
  return `Here you go:\n\`\`\`python\ndef ${f.name}(${f.sig}):\n    ${body}  # v${choice % 3}\n\`\`\`\n`;
}
