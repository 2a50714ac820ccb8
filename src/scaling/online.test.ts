import { describe, expect, it } from "vitest";
import { PassMatrix } from "../matrix/pass-matrix.js";
import { codermVote } from "../select/index.js";
import { Rng } from "../util/rng.js";
import { OnlineAllocator, type StopRule } from "./index.js";

/** A random matrix with structure: solutions copy one of a few behaviours, with some noise. */
function randomMatrix(rng: Rng, n: number, t: number): { m: PassMatrix; programs: number[] } {
  const kinds = 1 + rng.int(4);
  const protos = Array.from({ length: kinds }, () => Array.from({ length: t }, () => rng.next() < 0.6));
  const programs: number[] = [];
  const rows = Array.from({ length: n }, () => {
    const k = rng.int(kinds);
    const noisy = rng.next() < 0.3;
    programs.push(noisy ? kinds + programs.length : k);
    return (protos[k] as boolean[]).map((v) => (noisy && rng.next() < 0.3 ? !v : v));
  });
  return { m: PassMatrix.fromRows(rows, t), programs };
}

/** Drive the allocator over full matrices, revealing tests in index order. */
function run(
  problems: Array<{ m: PassMatrix; programs: number[]; maxTests: number }>,
  rule: StopRule,
  budget: number,
) {
  const alloc = new OnlineAllocator(
    problems.map((p, x) => ({
      taskId: `t${x}`,
      solutions: p.m.solutions,
      maxTests: p.maxTests,
      programs: p.programs,
    })),
    { budget, rule, growth: 0.3 },
  );
  for (let reqs = alloc.next(); reqs.length > 0; reqs = alloc.next()) {
    for (const r of reqs) {
      const x = Number(r.taskId.slice(1));
      const k = alloc.status(r.taskId).tests;
      const ids = Array.from({ length: r.tests }, (_, i) => k + i);
      alloc.observeFrom(r.taskId, (problems[x] as { m: PassMatrix }).m, ids);
    }
  }
  return alloc;
}

describe("online allocator", () => {
  it("is sound: a `leader` stop keeps a superset of the full-budget chosen set, `certain` the same set", () => {
    const rng = new Rng(42);
    let leaderStops = 0;
    let certainStops = 0;
    for (let trial = 0; trial < 120; trial++) {
      const problems = Array.from({ length: 1 + rng.int(5) }, () => {
        const t = 1 + rng.int(24);
        const { m, programs } = randomMatrix(rng, 2 + rng.int(10), t);
        return { m, programs, maxTests: 1 + rng.int(t) };
      });
      const budget = rng.int(problems.reduce((s, p) => s + p.maxTests, 0) + 5);
      for (const rule of ["leader", "certain"] as const) {
        const alloc = run(problems, rule, budget);
        expect(alloc.spent).toBeLessThanOrEqual(budget);
        problems.forEach((p, x) => {
          const st = alloc.status(`t${x}`);
          expect(st.tests).toBeLessThanOrEqual(p.maxTests);
          if (st.stopped !== "leader" && st.stopped !== "certain") return;
          const full = codermVote(p.m, { tests: Array.from({ length: p.maxTests }, (_, j) => j) }).chosen;
          if (st.stopped === "certain") {
            certainStops++;
            expect(full).toEqual(st.chosen);
          } else {
            leaderStops++;
            for (const id of full) expect(st.chosen).toContain(id);
          }
        });
      }
    }
    // The property was exercised, not vacuously true.
    expect(leaderStops).toBeGreaterThan(20);
    expect(certainStops).toBeGreaterThan(5);
  });

  it("stops a clear winner early and returns its allowance to the pool", () => {
    // Problem a: solution 0 passes everything, the others nothing.
    const clear = PassMatrix.fromRows([
      [1, 1, 1, 1],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    // Problem b: solutions disagree test by test; it takes whatever is left.
    const split = PassMatrix.fromRows([
      [1, 0, 1, 0, 1, 0, 1, 0],
      [0, 1, 0, 1, 0, 1, 0, 1],
    ]);
    const alloc = run(
      [
        { m: clear, programs: [0, 1, 1], maxTests: 4 },
        { m: split, programs: [0, 1], maxTests: 8 },
      ],
      "leader",
      10,
    );
    const a = alloc.status("t0");
    expect(a.stopped).toBe("leader");
    expect(a.chosen).toEqual([0]);
    // Margin after k tests is k; it stops once k > 4 − k, i.e. k = 3: one test returned to the pool.
    expect(a.tests).toBe(3);
    expect(alloc.status("t1").tests).toBe(7);
    expect(alloc.spent).toBe(10);
  });

  it("`confident` stops earlier than the sound bound on a steady leader", () => {
    const rows = [Array(64).fill(1), ...Array.from({ length: 5 }, () => Array(64).fill(0))];
    const m = PassMatrix.fromRows(rows);
    const leader = run([{ m, programs: [0, 1, 1, 1, 1, 1], maxTests: 64 }], "leader", 64);
    const confident = run([{ m, programs: [0, 1, 1, 1, 1, 1], maxTests: 64 }], "confident", 64);
    expect(leader.status("t0").tests).toBeGreaterThan(32);
    expect(confident.status("t0").stopped).toBe("confident");
    expect(confident.status("t0").tests).toBeLessThan(leader.status("t0").tests);
    expect(confident.spent).toBeLessThan(64);
  });

  it("handles a margin equal to the remaining tests by coderm-vote's consensus tie-break", () => {
    // After test 0 the three identical leaders beat the outsider by 1 with 1 test left. The worst case
    // (leaders fail, outsider passes) ties the scores, and the leaders' consensus (3 > 1) still wins.
    const worst = PassMatrix.fromRows([
      [1, 0],
      [1, 0],
      [1, 0],
      [0, 1],
    ]);
    const big = run([{ m: worst, programs: [0, 1, 2, 3], maxTests: 2 }], "leader", 1);
    expect(big.status("t0")).toMatchObject({ tests: 1, stopped: "leader", chosen: [0, 1, 2] });
    expect(codermVote(worst).chosen).toEqual([0, 1, 2]);
    // One leader against one outsider: a tie would keep both, so the bound must not fire.
    const pair = PassMatrix.fromRows([
      [1, 0],
      [0, 1],
    ]);
    const small = run([{ m: pair, programs: [0, 1], maxTests: 2 }], "leader", 1);
    expect(small.status("t0").stopped).toBeNull();
    expect(codermVote(pair).chosen).toEqual([0, 1]);
  });

  it("enforces the round barrier and validates results", () => {
    const alloc = new OnlineAllocator([{ taskId: "a", solutions: 2, maxTests: 3 }], { budget: 3, growth: 2 });
    const reqs = alloc.next();
    expect(reqs).toEqual([{ taskId: "a", tests: 1 }]);
    expect(() => alloc.next()).toThrow(/observe/);
    expect(() => alloc.observe("a", [[true]])).toThrow(/a\[0\]/);
    expect(() => alloc.observe("b", [[true, false]])).toThrow(/unknown task/);
    alloc.observe("a", [[true, false]]);
    expect(alloc.status("a")).toMatchObject({ tests: 1, pending: 0, chosen: [0] });
    // A requested test that never arrives stays spent and shrinks what the problem can still get.
    const more = alloc.next();
    expect(more).toEqual([{ taskId: "a", tests: 2 }]);
    alloc.observe("a", [[true, false]]);
    expect(alloc.status("a")).toMatchObject({ tests: 2, stopped: "cap" });
    expect(alloc.spent).toBe(3);
    expect(alloc.next()).toEqual([]);
  });
});
