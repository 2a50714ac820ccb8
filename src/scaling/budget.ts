/**
 * A test budget inside a run (`--budget B`: B unit tests per problem on average). `equal` gives every
 * problem the same share; `dynamic` is the paper's greedy allocation on a difficulty λ estimated from a
 * first round (one test per problem, paid from the budget and reused by the vote): the `pass-rate`
 * feature of that round, since a run has no labels to calibrate it. Tests beyond a problem's share are
 * neither executed nor considered by selection.
 */
import type { PassMatrices } from "../matrix/pass-matrix.js";
import { equalAllocate, greedyAllocate } from "./allocate.js";
import { difficultyFeature } from "./difficulty.js";

export type BudgetAllocation = "equal" | "dynamic";

/** Per task, how many of its valid tests (in order) the budget lets it use. */
export function allocateTests(
  tasks: readonly string[],
  valid: ReadonlyMap<string, readonly number[]>,
  budget: number,
  allocation: BudgetAllocation,
  probe?: PassMatrices,
): Map<string, number> {
  const caps = tasks.map((t) => valid.get(t)?.length ?? 0);
  const total = Math.round(budget * tasks.length);
  let counts: Int32Array;
  if (allocation === "equal" || !probe) {
    counts = equalAllocate(tasks.length, total, { caps });
  } else {
    // The probe round already spent one test on every problem that has one.
    const spent = caps.map((c) => Math.min(c, 1));
    const lambdas = tasks.map((t, x) => {
      const m = probe.get(t);
      const first = valid.get(t)?.slice(0, 1) ?? [];
      return m && spent[x] ? difficultyFeature("pass-rate", m, first) : 0;
    });
    const rest = greedyAllocate(lambdas, Math.max(0, total - spent.reduce((a, b) => a + b, 0)), {
      caps: caps.map((c, x) => c - spent[x]!),
    });
    counts = Int32Array.from(rest, (r, x) => r + spent[x]!);
  }
  return new Map(tasks.map((t, x) => [t, counts[x]!]));
}
