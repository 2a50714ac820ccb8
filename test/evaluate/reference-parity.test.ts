/**
 * Parity with the reference protocol: 200 random problems (missing cells, non-pass verdicts, fewer tests
 * and solution rows than the id pools, all-pass and all-fail rows) go to test/oracles/reference_select.py,
 * a plain re-implementation of CodeRM's calc_best_of_n, run as a real Python process. Both sides use the
 * same per-(problem, sample) test orders, so per-problem credits must agree exactly.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { bestOfN } from "../../src/evaluate/metrics/index.js";
import { PassMatrix } from "../../src/matrix/pass-matrix.js";
import { Rng } from "../../src/util/rng.js";

const ORACLE = fileURLToPath(new URL("../oracles/reference_select.py", import.meta.url));
const POOL = 100; // the reference shuffles ids 0..99 whatever a problem holds
const SAMPLES = 2;
const CONFIGS: [number, number][] = [
  [1, 1],
  [5, 3],
  [10, 100],
  [40, 17],
  [100, 12],
];

interface OracleOut {
  results: { credits: Record<string, number[]>; sample_means: number[]; rounded: number[] }[];
}

const dir = mkdtempSync(join(tmpdir(), "coderm-parity-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function generate(seed: number) {
  const rng = new Rng(seed);
  const matrices = new Map<string, PassMatrix>();
  const labels = new Map<string, boolean[]>();
  const orders = new Map<string, number[][]>();
  const problems: unknown[] = [];
  for (let t = 0; t < 200; t++) {
    const id = `P/${t}`;
    const N = rng.int(40) + 1; // rows with results; ids up to 99 may still be asked for
    const M = rng.int(POOL + 1);
    const kind = rng.int(8); // 0: all fail, 1: all pass, else random with a per-problem bias
    const bias = rng.next();
    const m = new PassMatrix(N, M);
    const results: [number, number, string][] = [];
    for (let i = 0; i < N; i++) {
      // Some solutions behave identically to others, so consistency tie-breaks matter.
      const twin = i > 0 && rng.next() < 0.3 ? rng.int(i) : -1;
      for (let j = 0; j < M; j++) {
        if (rng.next() < 0.05) continue; // missing result
        const pass = kind === 0 ? false : kind === 1 ? true : twin >= 0 ? m.get(twin, j) : rng.next() < bias;
        m.set(i, j, pass);
        results.push([i, j, pass ? "pass" : rng.next() < 0.5 ? "fail" : "timeout"]);
      }
    }
    const lab = Array.from({ length: POOL }, () => rng.next() < 0.4);
    const ord = Array.from({ length: SAMPLES }, () => rng.shuffle(Array.from({ length: POOL }, (_, j) => j)));
    matrices.set(id, m);
    labels.set(id, lab);
    orders.set(id, ord);
    problems.push({ task_id: id, results, labels: lab.map((v) => (v ? "pass" : "fail")), orders: ord });
  }
  return { matrices, labels, orders, problems };
}

describe("best-of-n parity with the reference protocol (Python oracle)", () => {
  it("agrees on every per-problem credit for 200 random problems", () => {
    const { matrices, labels, orders, problems } = generate(2025);
    const input = join(dir, "parity.json");
    writeFileSync(input, JSON.stringify({ configs: CONFIGS, problems }));
    const out = JSON.parse(
      execFileSync("/usr/bin/python3", [ORACLE, input], { encoding: "utf8", maxBuffer: 64 << 20 }),
    ) as OracleOut;

    CONFIGS.forEach(([n, m], c) => {
      const ref = out.results[c]!;
      const ours = bestOfN({
        matrices,
        labels,
        n,
        m,
        samples: SAMPLES,
        testOrder: (task, s) => orders.get(task)![s]!,
      });
      let compared = 0;
      for (const [task, credits] of Object.entries(ref.credits)) {
        const mean = credits.reduce((a, b) => a + b, 0) / credits.length;
        expect(Math.abs(ours.problemCredits.get(task)! - mean), `${task} n=${n} m=${m}`).toBeLessThan(1e-12);
        compared++;
      }
      expect(compared).toBe(200);
      ref.sample_means.forEach((v, s) => {
        expect(Math.abs(ours.sampleMeans[s]! - v)).toBeLessThan(1e-12);
        // The reference reports each sample rounded to 4 digits.
        expect(Math.abs(ours.sampleMeans[s]! - ref.rounded[s]!)).toBeLessThanOrEqual(5e-5 + 1e-12);
      });
    });
  });

  it("is not trivially satisfied: different orders change credits", () => {
    const { matrices, labels, orders } = generate(7);
    const a = bestOfN({ matrices, labels, n: 40, m: 5, samples: 1, testOrder: (t) => orders.get(t)![0]! });
    const b = bestOfN({ matrices, labels, n: 40, m: 5, samples: 1, testOrder: (t) => orders.get(t)![1]! });
    let differ = 0;
    for (const [t, v] of a.problemCredits) if (v !== b.problemCredits.get(t)) differ++;
    expect(differ).toBeGreaterThan(10);
  });
});
