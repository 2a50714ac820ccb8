import type { PairInput } from "../../src/sandbox/index.js";

/** A unittest pair whose single test method runs `body` (indented for you). */
export function ut(id: string, solution: string, body: string | string[], extra = ""): PairInput {
  const lines = (Array.isArray(body) ? body : body.split("\n")).map((l) => `        ${l}`).join("\n");
  return {
    id,
    solution,
    format: "unittest",
    test: `import unittest\n${extra}\nclass TestIt(unittest.TestCase):\n    def test_it(self):\n${lines}\n`,
  };
}

export const ADD = "def add(a, b):\n    return a + b\n";
