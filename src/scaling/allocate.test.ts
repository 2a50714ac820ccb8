import { describe, expect, it } from "vitest";
import { Rng } from "../util/rng.js";
import {
  concaveMajorant,
  equalAllocate,
  expectedSolved,
  greedyAllocate,
  greedyAllocateGains,
  greedyAllocateHeap,
  marginalGain,
} from "./index.js";

const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);

/** Best Σq over every allocation with Σb = min(B, Σcap), b_x ≤ cap_x, by exhaustive enumeration. */
function bruteForceBest(lambdas: number[], budget: number, caps: number[]): number {
  const target = Math.min(budget, sum(caps));
  let best = Number.NEGATIVE_INFINITY;
  const alloc = new Array<number>(lambdas.length).fill(0);
  const walk = (x: number, left: number) => {
    if (x === lambdas.length) {
      if (left === 0) best = Math.max(best, expectedSolved(lambdas, alloc));
      return;
    }
    for (let b = 0; b <= Math.min(caps[x] as number, left); b++) {
      alloc[x] = b;
      walk(x + 1, left - b);
    }
    alloc[x] = 0;
  };
  walk(0, target);
  return best;
}

describe("greedy allocation", () => {
  it("reaches the brute-force optimum of Σq on small random cases", () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 150; trial++) {
      const n = 1 + rng.int(4);
      const lambdas = Array.from({ length: n }, () =>
        rng.next() < 0.2 ? ([0, 1, 0.5][rng.int(3)] ?? 0) : rng.next(),
      );
      const caps = Array.from({ length: n }, () => rng.int(6));
      const budget = rng.int(12);
      const greedy = greedyAllocate(lambdas, budget, { caps });
      expect(sum(greedy)).toBe(Math.min(budget, sum(caps)));
      for (let x = 0; x < n; x++) expect(greedy[x]).toBeLessThanOrEqual(caps[x] as number);
      expect(expectedSolved(lambdas, greedy)).toBeCloseTo(bruteForceBest(lambdas, budget, caps), 12);
    }
  });

  it("closed form equals the heap exactly, ties and caps included", () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + rng.int(40);
      // Few distinct λ values force many tied gains.
      const pool = [0, 1, 0.5, 0.25, 0.75, rng.next(), 1e-9, 1 - 1e-9];
      const lambdas = Array.from({ length: n }, () => pool[rng.int(pool.length)] ?? 0);
      const caps = rng.next() < 0.5 ? Array.from({ length: n }, () => rng.int(30)) : undefined;
      const budget = rng.int(n * 20);
      const a = greedyAllocateHeap(lambdas, budget, { caps });
      const b = greedyAllocate(lambdas, budget, { caps });
      expect(Array.from(b)).toEqual(Array.from(a));
    }
  });

  it("gives zero-gain problems units only after every positive gain, evenly and deterministically", () => {
    // Problems 0 and 2 have λ ∈ {0, 1}: no gain; problem 1 takes all it can first.
    expect(Array.from(greedyAllocate([0, 0.3, 1], 5, { caps: [10, 3, 10] }))).toEqual([1, 3, 1]);
    expect(Array.from(greedyAllocate([0, 1, 0, 1], 6))).toEqual([2, 2, 1, 1]);
    expect(marginalGain(1, 0)).toBe(0);
    expect(marginalGain(0, 0)).toBe(0);
  });

  it("favours medium difficulty: the marginal gain ranks λ=0.3 above 0.05 and 0.95 after one test", () => {
    const alloc = greedyAllocate([0.05, 0.3, 0.95], 6);
    expect(alloc[1]).toBeGreaterThan(alloc[0] as number);
    expect(alloc[1]).toBeGreaterThan(alloc[2] as number);
    expect(sum(alloc)).toBe(6);
  });

  it("returns the caps when the budget exceeds them", () => {
    expect(Array.from(greedyAllocate([0.2, 0.9], 100, { caps: [3, 4] }))).toEqual([3, 4]);
    expect(Array.from(greedyAllocateHeap([0.2, 0.9], 100, { caps: [3, 4] }))).toEqual([3, 4]);
  });

  it("rejects bad difficulty and budget with the field named", () => {
    expect(() => greedyAllocate([0.2, 1.5], 3)).toThrow(/lambda\[1\]/);
    expect(() => greedyAllocate([0.2], -1)).toThrow(/budget/);
    expect(() => equalAllocate(2, 3, { caps: [1] })).toThrow(/caps/);
  });
});

describe("equal allocation", () => {
  it("splits evenly with the remainder to the first problems", () => {
    expect(Array.from(equalAllocate(4, 10))).toEqual([3, 3, 2, 2]);
    expect(Array.from(equalAllocate(3, 0))).toEqual([0, 0, 0]);
  });

  it("water-fills around caps and sums to min(B, Σcap)", () => {
    expect(Array.from(equalAllocate(4, 10, { caps: [1, 5, 5, 5] }))).toEqual([1, 3, 3, 3]);
    expect(Array.from(equalAllocate(4, 11, { caps: [1, 5, 2, 5] }))).toEqual([1, 4, 2, 4]);
    expect(Array.from(equalAllocate(3, 50, { caps: [1, 2, 3] }))).toEqual([1, 2, 3]);
    const rng = new Rng(3);
    for (let t = 0; t < 100; t++) {
      const n = 1 + rng.int(20);
      const caps = Array.from({ length: n }, () => rng.int(10));
      const budget = rng.int(150);
      const a = equalAllocate(n, budget, { caps });
      expect(sum(a)).toBe(Math.min(budget, sum(caps)));
      // No problem below its cap is more than one unit behind another.
      const open = Array.from(a).filter((v, x) => v < (caps[x] as number));
      const max = Math.max(...Array.from(a));
      for (const v of open) expect(max - v).toBeLessThanOrEqual(1);
    }
  });
});

describe("learned-curve allocation helpers", () => {
  it("greedy on gain sequences matches the λ greedy when the gains are the paper's", () => {
    const rng = new Rng(5);
    for (let t = 0; t < 50; t++) {
      const n = 1 + rng.int(12);
      const lambdas = Array.from({ length: n }, () => rng.next());
      const caps = Array.from({ length: n }, () => rng.int(9));
      const budget = rng.int(60);
      const a = greedyAllocateGains((x, b) => marginalGain(lambdas[x] as number, b), budget, caps);
      expect(Array.from(a)).toEqual(Array.from(greedyAllocate(lambdas, budget, { caps })));
    }
  });

  it("starts from given tests and keeps to the caps", () => {
    const a = greedyAllocateGains((x, b) => (x === 0 ? 1 / (b + 1) : 0.1), 3, [3, 5], [2, 1]);
    // Problem 0 has one slot left (gain 1/3 > 0.1), the other two units go to problem 1.
    expect(Array.from(a)).toEqual([3, 3]);
  });

  it("takes the least concave majorant of a credit curve", () => {
    expect(Array.from(concaveMajorant([0, 0.1, 0.8, 0.9, 0.9]))).toEqual([0, 0.4, 0.8, 0.9, 0.9]);
    const m = concaveMajorant([0.5, 0.2, 0.6]);
    expect(m[1]).toBeCloseTo(0.55, 12);
    for (const c of [[0.3], [0.2, 0.1]]) {
      const out = concaveMajorant(c);
      c.forEach((v, i) => {
        expect(out[i]).toBeGreaterThanOrEqual(v - 1e-12);
      });
    }
  });
});
