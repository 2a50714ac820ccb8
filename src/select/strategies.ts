/**
 * Selection strategies: pure functions from a pass matrix (plus which solutions and tests count) to a
 * ranking and a chosen set. Every strategy is defined on degenerate input: with zero solutions nothing
 * is chosen; with zero tests (or when nobody passes anything) every solution ties and all are chosen,
 * so a uniform pick from the chosen set is then the "no reward model" baseline.
 */
import { CodermError } from "../errors.js";
import { type PassMatrix, popcount32 } from "../matrix/pass-matrix.js";
import { chooseInto, loadRows, Scratch } from "./kernel.js";
import { isStrategyName, type Ranking, type SelectOptions, type StrategyName } from "./types.js";

/** Rank the solutions of one problem with `strategy` (see `STRATEGIES`). */
export function select(strategy: StrategyName, m: PassMatrix, opts: SelectOptions = {}): Ranking {
  if (!isStrategyName(strategy)) {
    throw new CodermError("E_BAD_INPUT", `unknown strategy "${String(strategy)}"`, "strategy");
  }
  const ids = solutionIds(m, opts.solutions);
  const { mask, count: tests } = testSelection(m, opts.tests);
  const n = ids.length;
  const s = new Scratch();
  loadRows(m, ids, n, mask, s);
  const k = chooseInto(strategy, n, s, true);

  let size = m.solutions;
  for (const id of ids) size = Math.max(size, id + 1);
  const scores = new Float64Array(size).fill(Number.NaN);
  const passed = new Int32Array(size);
  const consensus = new Int32Array(size);
  // Secondary key for ordering: CodeRM breaks score ties by consensus size, the others only by id.
  const secondary = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const id = ids[p]!;
    const c = s.counts[p]!;
    const g = s.group[p]!;
    passed[id] = c;
    consensus[id] = g;
    scores[id] = score(strategy, c, g, tests);
    secondary[p] = strategy === "coderm-vote" ? g : 0;
  }
  const positions = Array.from({ length: n }, (_, p) => p);
  positions.sort((a, b) => {
    const d = scores[ids[b]!]! - scores[ids[a]!]! || secondary[b]! - secondary[a]!;
    return d !== 0 ? d : ids[a]! - ids[b]!;
  });
  const chosen = Array.from(s.chosen.subarray(0, k), (p) => ids[p]!).sort((a, b) => a - b);
  return {
    strategy,
    tests,
    solutions: ids,
    scores,
    passed,
    consensus,
    chosen,
    order: positions.map((p) => ids[p]!),
  };
}

function score(strategy: StrategyName, passed: number, group: number, tests: number): number {
  switch (strategy) {
    case "coderm-vote":
    case "argmax":
      return passed;
    case "codet":
      return passed * Math.sqrt(group);
    case "codet-product":
      return passed * group;
    case "pass-rate":
      return tests === 0 ? 0 : passed / tests;
  }
}

/** The reference's rule (tests passed; ties → largest identical-pass-set group). */
export const codermVote = (m: PassMatrix, opts?: SelectOptions): Ranking => select("coderm-vote", m, opts);
/** Paper Eq. 1: every solution passing the most tests is chosen. */
export const argmax = (m: PassMatrix, opts?: SelectOptions): Ranking => select("argmax", m, opts);
/**
 * CodeT's released scoring: consensus set score |tests passed| · sqrt(|set|); every set at the top float
 * score is chosen (CodeT's tie merge). Solutions passing nothing score 0, so they win only when nobody
 * passes anything, which is CodeT's fallback to a random pick.
 */
export const codet = (m: PassMatrix, opts?: SelectOptions): Ranking => select("codet", m, opts);
/** CodeT paper's scoring: |tests passed| · |set|. */
export const codetProduct = (m: PassMatrix, opts?: SelectOptions): Ranking =>
  select("codet-product", m, opts);
/** Per-solution reward passed / tests in [0, 1] (the RL reward); the top ones are chosen. */
export const passRate = (m: PassMatrix, opts?: SelectOptions): Ranking => select("pass-rate", m, opts);

function solutionIds(m: PassMatrix, sel: SelectOptions["solutions"]): Int32Array {
  if (sel === undefined) return Int32Array.from({ length: m.solutions }, (_, i) => i);
  if (typeof sel === "number") {
    if (!Number.isInteger(sel) || sel < 0) {
      throw new CodermError("E_BAD_INPUT", `must be a non-negative integer, got ${sel}`, "solutions");
    }
    return Int32Array.from({ length: sel }, (_, i) => i);
  }
  const ids = Int32Array.from(sel);
  const seen = new Set<number>();
  for (let p = 0; p < ids.length; p++) {
    const id = ids[p]!;
    if (id < 0 || id !== sel[p] || seen.has(id)) {
      throw new CodermError("E_BAD_INPUT", `bad or repeated solution id ${sel[p]}`, `solutions[${p}]`);
    }
    seen.add(id);
  }
  return ids;
}

/** The mask over the matrix's words plus how many tests were chosen (unknown ids included). */
function testSelection(
  m: PassMatrix,
  sel: SelectOptions["tests"],
): { mask: Uint32Array | null; count: number } {
  if (sel === undefined) return { mask: null, count: m.tests };
  if (sel instanceof Uint32Array) {
    let count = 0;
    for (const w of sel) count += popcount32(w);
    return { mask: sel, count };
  }
  const mask = new Uint32Array(m.wordsPerRow);
  const seen = new Set<number>();
  for (let p = 0; p < sel.length; p++) {
    const j = sel[p]!;
    if (!Number.isInteger(j) || j < 0 || seen.has(j)) {
      throw new CodermError("E_BAD_INPUT", `bad or repeated test id ${j}`, `tests[${p}]`);
    }
    seen.add(j);
    if (j < m.tests) mask[j >>> 5] = mask[j >>> 5]! | (1 << (j & 31));
  }
  return { mask, count: seen.size };
}
