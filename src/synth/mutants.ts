/**
 * First-order mutants of a program (one edit each), deterministic per seed: every operator's edits are
 * proposed in source order, each is applied to a copy of the source, mutants that do not compile (the
 * extractor's CPython-compatible checker) or repeat an earlier text are discarded and counted, and when
 * more than `max` remain a seeded sample is taken (the same seed and source always give the same mutants,
 * in source order).
 */
import { compileError } from "../extract/index.js";
import { withPythonTree } from "../extract/python-parser.js";
import { Rng } from "../util/rng.js";
import { type Edit, MUTATION_OPERATORS, type MutationOperator, proposeEdits } from "./mutation-operators.js";

export interface Mutant {
  /** `<op>@<line>:<column>` plus `#k` when one site has several edits of that operator. */
  id: string;
  op: MutationOperator;
  line: number;
  column: number;
  description: string;
  code: string;
}

export interface MutantOptions {
  /** Operators to apply (default all). */
  operators?: readonly MutationOperator[];
  /** Keep at most this many mutants (a seeded sample; default all). */
  max?: number;
  /** Sampling seed (number or string; default 0). */
  seed?: number | string;
}

export interface MutantStats {
  /** Edits proposed by the operators. */
  proposed: number;
  /** Mutants CPython would not compile (discarded). */
  uncompilable: number;
  /** Mutants whose text equals the original or an earlier mutant (discarded). */
  duplicate: number;
  /** Compiling, distinct mutants before sampling. */
  valid: number;
  /** Proposed edits per operator. */
  byOperator: Record<MutationOperator, number>;
}

export interface MutantSet {
  mutants: Mutant[];
  stats: MutantStats;
}

function apply(source: string, e: Edit): string {
  return source.slice(0, e.start) + e.text + source.slice(e.end);
}

/** Mutants of `source`; the source itself must compile (else E_BAD_INPUT-style error text is returned). */
export function generateMutants(source: string, options: MutantOptions = {}): MutantSet {
  const ops = new Set(options.operators ?? MUTATION_OPERATORS);
  const edits = withPythonTree(source, (root) => proposeEdits(root, ops));
  edits.sort(
    (a, b) => a.start - b.start || MUTATION_OPERATORS.indexOf(a.op) - MUTATION_OPERATORS.indexOf(b.op),
  );
  const byOperator = Object.fromEntries(MUTATION_OPERATORS.map((o) => [o, 0])) as Record<
    MutationOperator,
    number
  >;
  const seen = new Set([source]);
  const ids = new Map<string, number>();
  const valid: Mutant[] = [];
  let uncompilable = 0;
  let duplicate = 0;
  for (const e of edits) {
    byOperator[e.op]++;
    const code = apply(source, e);
    if (seen.has(code)) {
      duplicate++;
      continue;
    }
    seen.add(code);
    if (compileError(code) !== undefined) {
      uncompilable++;
      continue;
    }
    const site = `${e.op}@${e.line}:${e.column}`;
    const k = ids.get(site) ?? 0;
    ids.set(site, k + 1);
    valid.push({
      id: k === 0 ? site : `${site}#${k}`,
      op: e.op,
      line: e.line,
      column: e.column,
      description: e.description,
      code,
    });
  }
  let mutants = valid;
  if (options.max !== undefined && valid.length > options.max) {
    const order = valid.map((_, i) => i);
    new Rng(options.seed ?? 0).partialShuffle(order, options.max);
    const keep = new Set(order.slice(0, options.max));
    mutants = valid.filter((_, i) => keep.has(i));
  }
  return {
    mutants,
    stats: { proposed: edits.length, uncompilable, duplicate, valid: valid.length, byOperator },
  };
}
