/**
 * Why a strategy scored below picking at random. A selection worse than vanilla looks like a bug; usually it
 * is the tests: when they carry wrong expected values, a wrong solution that shares the mistake passes more
 * of them than the correct ones. This note shows it with the run's own numbers, where the user sees the
 * result (the run's table, report.md, report.html), instead of leaving a bare 0.00.
 */
import type { PassMatrix } from "../matrix/pass-matrix.js";

export interface BelowVanillaInput {
  strategy: string;
  /** Best-of-n accuracy of the strategy and vanilla, fractions. */
  mean: number;
  vanilla: number;
  matrices: ReadonlyMap<string, PassMatrix>;
  labelled: ReadonlyMap<string, readonly boolean[]>;
  /** task → strategy → chosen solution ids (on the pool's first n solutions and first m tests). */
  chosen: ReadonlyMap<string, Record<string, number[]>>;
  n: number;
  m: number;
  /** What one test column is, e.g. "one CodeGen-16B assert (CodeT's setting)". */
  testDescription?: string;
}

interface Fooled {
  task: string;
  pool: number;
  correct: number;
  tests: number;
  /** Tests every correct solution fails: their expected values are wrong (or they test something else). */
  againstCorrect: number;
  bestCorrect: number;
  pick: number;
  pickPasses: number;
  /** What CodeT's agreement score made of the same problem, when it picked a correct solution. */
  codet?: string;
}

const pct = (v: number) => (100 * v).toFixed(2);

/** The problem's pool as rows over its first tests, with the helpers the note needs. */
function poolOf(matrix: PassMatrix, n: number, m: number) {
  const pool = Math.min(n, matrix.solutions);
  const tests = Math.min(m, matrix.tests);
  const row = (i: number) => {
    let r = "";
    for (let j = 0; j < tests; j++) r += matrix.get(i, j) ? "1" : "0";
    return r;
  };
  const rows = Array.from({ length: pool }, (_, i) => row(i));
  const passes = (i: number) => rows[i]!.split("").filter((c) => c === "1").length;
  const group = (i: number) => rows.filter((r) => r === rows[i]).length;
  return { pool, tests, rows, passes, group };
}

/** The problem, when the strategy's choice is incorrect and passes at least as many tests as every correct one. */
function fooledOn(task: string, x: BelowVanillaInput): Fooled | undefined {
  const matrix = x.matrices.get(task);
  const labels = x.labelled.get(task) ?? [];
  const chosen = x.chosen.get(task)?.[x.strategy] ?? [];
  if (!matrix || chosen.length === 0 || chosen.some((i) => labels[i] === true)) return undefined;
  const p = poolOf(matrix, x.n, x.m);
  const correct = Array.from({ length: p.pool }, (_, i) => i).filter((i) => labels[i] === true);
  if (correct.length === 0) return undefined;
  const bestCorrect = Math.max(...correct.map(p.passes));
  const pick = chosen.reduce((a, b) => (p.passes(b) > p.passes(a) ? b : a));
  const pickPasses = p.passes(pick);
  if (pickPasses < bestCorrect) return undefined; // wrong for another reason (a tie-break, missing cells)
  let againstCorrect = 0;
  for (let j = 0; j < p.tests; j++) if (correct.every((i) => p.rows[i]![j] === "0")) againstCorrect++;
  const f: Fooled = {
    task,
    pool: p.pool,
    correct: correct.length,
    tests: p.tests,
    againstCorrect,
    bestCorrect,
    pick,
    pickPasses,
  };
  const codet =
    x.strategy === "codet" ? undefined : x.chosen.get(task)?.codet?.find((i) => labels[i] === true);
  if (codet !== undefined) {
    const [cp, cg, pg] = [p.passes(codet), p.group(codet), p.group(pick)];
    const score = (passed: number, group: number) => (passed * Math.sqrt(group)).toFixed(0);
    f.codet =
      `codet also counts agreement (tests passed × √ solutions passing the same tests): ${cp} × √${cg} = ${score(cp, cg)} ` +
      `for the ${cg} solutions passing the same tests as #${codet} (correct), against ${pickPasses} × √${pg} = ${score(pickPasses, pg)} for #${pick}.`;
  }
  return f;
}

/** The reason, without the strategy's name, when it is below vanilla because the tests favour wrong solutions. */
function reason(x: BelowVanillaInput): string | undefined {
  if (!(x.mean < x.vanilla)) return undefined;
  const fooled: Fooled[] = [];
  let withCorrect = 0;
  for (const [task, labels] of x.labelled) {
    if (!labels.slice(0, x.n).some(Boolean)) continue;
    withCorrect++;
    const f = fooledOn(task, x);
    if (f) fooled.push(f);
  }
  if (fooled.length === 0) return undefined;
  // The most telling example: the problem where picking at random would most often have been right.
  const e = fooled.reduce((a, b) => (b.correct / b.pool > a.correct / a.pool ? b : a));
  const what = x.testDescription ? ` (each test is ${x.testDescription})` : "";
  return [
    `because the tests reward wrong solutions${what}: on ${fooled.length} of ${withCorrect} problems with a correct solution the pick is an incorrect one passing at least as many tests as every correct one.`,
    `${e.task}: ${e.correct}/${e.pool} solutions are correct, yet ${e.againstCorrect} of its ${e.tests} tests fail all of them; the best correct solution passes ${e.bestCorrect}, the chosen #${e.pick} (incorrect) ${e.pickPasses}.`,
    ...(e.codet ? [e.codet] : []),
  ].join(" ");
}

/**
 * Notes for the strategies below vanilla because the tests favour wrong solutions; strategies failing for
 * the same reason on the same example share one note.
 */
export function belowVanillaNotes(inputs: readonly BelowVanillaInput[]): string[] {
  const byReason = new Map<string, BelowVanillaInput[]>();
  for (const x of inputs) {
    const r = reason(x);
    if (r !== undefined) byReason.set(r, [...(byReason.get(r) ?? []), x]);
  }
  return [...byReason].map(([r, xs]) => {
    const names = xs.map((x) => x.strategy).join(" and ");
    const means = xs.map((x) => pct(x.mean)).join(" and ");
    const verb = xs.length > 1 ? "score" : "scores";
    return `${names} ${verb} below vanilla (${means} vs ${pct(xs[0]!.vanilla)}) ${r}`;
  });
}
