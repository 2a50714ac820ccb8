/**
 * Reproducible sandboxes: the worker, judges and candidates share one fixed hash seed (PYTHONHASHSEED=0), so
 * verdicts that depend on set or dict order are the same in every run (issue 15: two identical runs differed).
 * And cancellation: aborting a run drops the pairs not yet started.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { type PairInput, Sandbox } from "../../src/sandbox/index.js";
import { ut } from "./helpers.js";

const WORDS = ["apple", "banana", "cherry", "damson", "elder", "fig", "grape", "hazel"];
const ORDER_SOL = `def order():\n    return list({${WORDS.map((w) => JSON.stringify(w)).join(", ")}})\n`;

async function cells(pairs: PairInput[]): Promise<string[]> {
  const sb = await Sandbox.start({ workers: 2, details: true });
  try {
    const out: string[] = [];
    for await (const o of sb.run(pairs)) out.push(`${o.id}:${o.verdict}:${o.stderr ?? ""}`);
    return out.sort();
  } finally {
    await sb.close();
  }
}

describe("determinism", () => {
  it("gives set-order-dependent pairs the same cells in two runs, with the order of PYTHONHASHSEED=0", async () => {
    const expected = spawnSync(
      "/usr/bin/python3",
      ["-S", "-c", `import json\n${ORDER_SOL}print(json.dumps(order()))`],
      { env: { PYTHONHASHSEED: "0" }, encoding: "utf8" },
    ).stdout.trim();
    const pairs = [
      ut("seed0", ORDER_SOL, `self.assertEqual(order(), ${expected})`),
      // also inside the judge: a set built by the test itself
      ut("judge-seed0", ORDER_SOL, `self.assertEqual(list(set(order())), ${expected})`),
      ...Array.from({ length: 6 }, (_, i) =>
        ut(`first${i}`, ORDER_SOL, `self.assertEqual(order()[0], ${JSON.stringify(WORDS[i])})`),
      ),
    ];
    const [a, b] = [await cells(pairs), await cells(pairs)];
    expect(a).toEqual(b);
    expect(a.find((c) => c.startsWith("seed0:"))).toMatch(/^seed0:pass:/);
    expect(a.find((c) => c.startsWith("judge-seed0:"))).toMatch(/^judge-seed0:pass:/);
  });

  it("aborting a run drops its pairs not yet started and throws the signal's reason", async () => {
    const sb = await Sandbox.start({ workers: 1, batchSize: 1 });
    try {
      const pairs = Array.from({ length: 40 }, (_, i) =>
        ut(`p${i}`, `def add(a, b):\n    return a + b  # ${i}\n`, [
          "import time; time.sleep(0.05)",
          "self.assertEqual(add(1, 2), 3)",
        ]),
      );
      const ac = new AbortController();
      let seen = 0;
      const t0 = Date.now();
      await expect(
        (async () => {
          for await (const _ of sb.run(pairs, { signal: ac.signal }))
            if (++seen === 2) ac.abort(new Error("stop"));
        })(),
      ).rejects.toThrow("stop");
      expect(seen).toBeLessThan(5);
      expect(Date.now() - t0).toBeLessThan(5000);
      // the sandbox is still usable
      const again = [];
      for await (const o of sb.run(pairs.slice(0, 1))) again.push(o.verdict);
      expect(again).toEqual(["pass"]);
    } finally {
      await sb.close();
    }
  });
});
