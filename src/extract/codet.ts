/**
 * CodeT's post-processing (microsoft/CodeT, `CodeT/src/postprocess.py`), replicated exactly:
 * solution truncation at stop words, and assert cases cut out of a test sample that continues a
 * prompt ending in "assert ". The only change is the compile check, done with tree-sitter plus the
 * rules in python-checks.ts instead of CPython's `compile()`; `test/oracles/codet_postprocess.py`
 * is the parity oracle.
 */

import { pyStrip } from "./_py-text.js";
import { compileError } from "./python-checks.js";
import type { Rejection } from "./types.js";

/** CodeT's STOP_TOKEN, in its order. */
export const CODET_STOP_WORDS: readonly string[] = ["\nclass", "\ndef", "\n#", "\nif", "\nprint"];

/** CodeT's default number of cases kept per test sample (`--test_case_limit`). */
export const CODET_CASE_LIMIT = 5;

/**
 * CodeT's cut: for each stop word in order, keep what precedes its first occurrence. With CodeT's
 * words (all "\n" + a word) that is the earliest occurrence of any; with arbitrary words the order
 * can matter, so it is done CodeT's way. Nothing is stripped: CodeT appends this to the prompt. An
 * empty stop word is ignored (Python's `split("")` raises).
 */
export function truncateSolution(
  completion: string,
  stopWords: readonly string[] = CODET_STOP_WORDS,
): string {
  let text = completion;
  for (const word of stopWords) {
    if (word.length === 0) continue;
    const at = text.indexOf(word);
    if (at !== -1) text = text.slice(0, at);
  }
  return text;
}

export interface AssertCaseOptions {
  /** Keep the first `limit` valid cases (CodeT: 5). `Infinity` keeps all. */
  limit?: number;
  stopWords?: readonly string[];
}

export interface RejectedPiece extends Rejection {
  /** The piece as CodeT saw it: "assert " + the text between two "assert " separators, stripped. */
  piece: string;
}

export interface AssertCases {
  /** Valid cases in sample order, at most `limit`. */
  cases: string[];
  rejected: RejectedPiece[];
}

/**
 * CodeT's `test_case_extract` + `_check_test_case_validation` + the per-sample limit. Order of
 * operations matters and is CodeT's: pieces are filtered on naming the entry point *before* they are
 * truncated, so a kept case can lose the entry point to truncation (as in CodeT).
 */
export function extractAssertCases(
  sample: string,
  entryPoint: string,
  options: AssertCaseOptions = {},
): AssertCases {
  const limit = options.limit ?? CODET_CASE_LIMIT;
  const stopWords = options.stopWords ?? CODET_STOP_WORDS;
  const name = pyStrip(entryPoint);
  const cases: string[] = [];
  const rejected: RejectedPiece[] = [];
  // The sample continues "... assert ", so the first split piece is the prompt's own (empty) one.
  const parts = `assert ${sample}`.split("assert ").slice(1);
  for (const part of parts) {
    const piece = pyStrip(`assert ${part}`);
    if (pyStrip(part).length === 0) {
      rejected.push({ ok: false, piece, reason: "empty piece" });
      continue;
    }
    if (!part.includes(name)) {
      rejected.push({ ok: false, piece, reason: `does not name the entry point ${name}` });
      continue;
    }
    const reason = caseError(pyStrip(truncateSolution(piece, stopWords)));
    if (reason) {
      rejected.push({ ok: false, piece, reason });
      continue;
    }
    const text = pyStrip(truncateSolution(piece, stopWords));
    if (cases.length >= limit) {
      rejected.push({ ok: false, piece, reason: `beyond the first ${limit} cases` });
      continue;
    }
    cases.push(text);
  }
  return { cases, rejected };
}

// Test samples repeat cases a lot (a quarter of CodeGen's pieces are repeats); parsing dominates.
const verdicts = new Map<string, string | undefined>();
const VERDICT_CACHE = 20_000;

/** CodeT's validity check: non-empty, mentions assert, compiles inside a try block. */
export function caseError(testCase: string): string | undefined {
  if (pyStrip(testCase).length < 1) return "empty after truncation";
  if (!testCase.includes("assert")) return "no assert";
  if (verdicts.has(testCase)) return verdicts.get(testCase);
  const body = testCase.replaceAll("\n", "\n    ");
  const error = compileError(`try:\n    ${body}\nexcept:\n    pass\n`);
  const verdict = error === undefined ? undefined : `does not compile: ${error}`;
  if (verdicts.size >= VERDICT_CACHE) verdicts.clear();
  verdicts.set(testCase, verdict);
  return verdict;
}

export interface TaskCases {
  /** Each distinct case once, in first-seen order, with how many samples' kept cases it was. */
  unique: { text: string; count: number }[];
  /** The extraction of every sample, in input order. */
  perSample: AssertCases[];
}

/**
 * All test samples of one task, as CodeT uses them: the first `limit` cases of each sample, pooled;
 * CodeT executes each distinct case once (`list(set(...))`) but weights it by its frequency
 * (`Counter` in `DataManager._get_test_case_frequency`), so both are returned.
 */
export function extractTaskCases(
  samples: readonly string[],
  entryPoint: string,
  options: AssertCaseOptions = {},
): TaskCases {
  const perSample = samples.map((s) => extractAssertCases(s, entryPoint, options));
  const counts = new Map<string, number>();
  for (const r of perSample) for (const c of r.cases) counts.set(c, (counts.get(c) ?? 0) + 1);
  return { unique: [...counts].map(([text, count]) => ({ text, count })), perSample };
}
