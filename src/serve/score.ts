/**
 * `/v1/score`: every (solution, test) pair of one problem through the shared executor, then one
 * selection strategy over the pass matrix. The reward of a solution is its pass rate under
 * `pass-rate`, and otherwise 1 when the strategy chose it (the CodeRM vote's best-of-n pick), else 0.
 */
import { PassMatrix } from "../matrix/pass-matrix.js";
import type { TestFormat, Verdict } from "../records.js";
import type { PairExecutor, PairInput } from "../sandbox/index.js";
import { type StrategyName, select } from "../select/index.js";

/** One problem's scoring, tests resolved (inline or from a suite). */
export interface ScoreJob {
  tests: (string | string[])[];
  solutions: string[];
  format: TestFormat;
  strategy: StrategyName;
}

export interface SolutionScore {
  reward: number;
  pass_rate: number;
  score: number;
  chosen: boolean;
  verdicts: Verdict[];
}

export interface ScoreResponse {
  strategy: StrategyName;
  results: SolutionScore[];
  /** matrix[i][j] = 1 when solution i passed test j. */
  matrix: number[][];
  chosen: number[];
}

export function scorePairs(req: Omit<ScoreJob, "strategy">): PairInput[] {
  const pairs: PairInput[] = [];
  req.solutions.forEach((solution, i) => {
    req.tests.forEach((test, j) => {
      pairs.push({ id: `${i}:${j}`, solution, test, format: req.format });
    });
  });
  return pairs;
}

export async function score(
  executor: PairExecutor,
  req: ScoreJob,
  signal: AbortSignal,
  onOutcome?: (verdict: Verdict) => void,
): Promise<ScoreResponse> {
  const n = req.solutions.length;
  const m = req.tests.length;
  const matrix = new PassMatrix(n, m);
  // Missing outcomes stay `crash`: the executor retries a dead worker's pairs, so a gap is a real failure.
  const verdicts: Verdict[][] = Array.from({ length: n }, () => new Array<Verdict>(m).fill("crash"));
  for await (const o of executor.run(scorePairs(req), { signal })) {
    const [i, j] = o.id.split(":").map(Number) as [number, number];
    matrix.set(i, j, o.passed);
    verdicts[i]![j] = o.verdict;
    onOutcome?.(o.verdict);
  }
  const ranking = select(req.strategy, matrix);
  const chosen = new Set(ranking.chosen);
  const results = verdicts.map((row, i): SolutionScore => {
    const passRate = m === 0 ? 0 : matrix.passCount(i) / m;
    const isChosen = chosen.has(i);
    return {
      reward: req.strategy === "pass-rate" ? passRate : isChosen ? 1 : 0,
      pass_rate: passRate,
      score: ranking.scores[i] ?? 0,
      chosen: isChosen,
      verdicts: row,
    };
  });
  const rows = Array.from({ length: n }, (_, i) =>
    Array.from({ length: m }, (_, j) => (matrix.get(i, j) ? 1 : 0)),
  );
  return { strategy: req.strategy, results, matrix: rows, chosen: ranking.chosen };
}
