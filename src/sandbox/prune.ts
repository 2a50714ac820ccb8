/**
 * Pruned execution for selection-only runs (coderm-vote / argmax over pass counts). Tests are run in
 * rounds over the solutions still in the race; a solution is dropped once even passing every remaining test
 * could not reach the best count already observed. Solutions that end with the top count are never dropped
 * (their upper bound is always ≥ the best observed count), so their full pass vectors — all the consistency
 * tie-break looks at — are complete: the chosen set equals the full matrix's, by construction.
 */
import type { Sandbox } from "./pool.js";
import type { PairOutcome } from "./types.js";

export interface PruneGrid {
  /** Prefix of the generated pair ids: `${id}/${solution}/${test}`. */
  id: string;
  solutions: string[];
  tests: string[];
  format: "unittest" | "assert";
}

export interface PrunedResult {
  /** pass[i][j]: true/false when run, undefined when skipped. */
  pass: (boolean | undefined)[][];
  /** Solutions with the top pass count (identical to the full matrix's top set). */
  top: number[];
  ran: number;
  skipped: number;
  outcomes: PairOutcome[];
}

export async function runPruned(sb: Sandbox, grid: PruneGrid, roundSize = 8): Promise<PrunedResult> {
  const n = grid.solutions.length;
  const m = grid.tests.length;
  const pass = Array.from({ length: n }, () => new Array<boolean | undefined>(m).fill(undefined));
  const count = new Array<number>(n).fill(0);
  let alive = Array.from({ length: n }, (_, i) => i);
  const outcomes: PairOutcome[] = [];
  for (let start = 0; start < m; start += roundSize) {
    const end = Math.min(m, start + roundSize);
    const pairs = alive.flatMap((i) =>
      grid.tests.slice(start, end).map((test, k) => ({
        id: `${grid.id}/${i}/${start + k}`,
        solution: grid.solutions[i]!,
        test,
        format: grid.format,
      })),
    );
    for await (const o of sb.run(pairs)) {
      const [i, j] = o.id.split("/").slice(-2).map(Number) as [number, number];
      pass[i]![j] = o.passed;
      if (o.passed) count[i]!++;
      outcomes.push(o);
    }
    const best = Math.max(...alive.map((i) => count[i]!));
    const remaining = m - end;
    alive = alive.filter((i) => count[i]! + remaining >= best);
  }
  const best = Math.max(0, ...count);
  const top = count.flatMap((c, i) => (c === best ? [i] : []));
  return { pass, top, ran: outcomes.length, skipped: n * m - outcomes.length, outcomes };
}
