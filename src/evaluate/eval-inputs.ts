/**
 * Files → what `evaluate` needs: pass matrices sized by the solution and test files (so a pair that
 * never ran is a missing cell, not a smaller matrix), ground-truth labels as boolean lists, the problem
 * order, and notes on everything odd in the inputs (bad lines, unknown tasks, unlabelled solutions).
 */
import { isBenchmarkName, resolveProblems } from "../benchmarks/index.js";
import { CodermError } from "../errors.js";
import { type BadLine, formatBadLine, readJsonl } from "../io/jsonl.js";
import { type PassMatrices, PassMatrix } from "../matrix/pass-matrix.js";
import { type MatrixSize, readPassMatrices, readPassMatrixFile } from "../matrix/results-io.js";
import { LabelSchema, SolutionSampleSchema, UnitTestSampleSchema } from "../records.js";

export interface EvalInputFiles {
  /** A benchmark name (see `benchmarkNames()`) or a Problem JSONL file; sets the problem order. */
  problems?: string;
  /** SolutionSample JSONL: N per task = largest index + 1. */
  solutions?: string;
  /** UnitTestSample JSONL: M per task = largest index + 1. */
  tests?: string;
  /** PairResult JSONL. */
  results?: string;
  /** Compact pass-matrix JSONL (`writePassMatrices`), instead of `results`. */
  matrix?: string;
  /** Label JSONL. */
  labels?: string;
  /** Called for each bad line (e.g. to print it). */
  onBadLine?: (bad: BadLine) => void;
}

export interface EvalInputs {
  matrices: PassMatrices;
  labels: Map<string, boolean[]>;
  benchmark?: string;
  notes: string[];
  bad: BadLine[];
}

/** Largest index + 1 per task, in first-seen order. */
function sizesByTask(records: ReadonlyArray<{ task_id: string; index: number }>): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of records) out.set(r.task_id, Math.max(out.get(r.task_id) ?? 0, r.index + 1));
  return out;
}

// Long: each input file kind (problems, samples, results, matrix, labels) is one short step over shared notes and maps.
export async function loadEvalInputs(files: EvalInputFiles): Promise<EvalInputs> {
  const notes: string[] = [];
  const bad: BadLine[] = [];
  const readOpts = {
    onBadLine: (b: BadLine) => {
      bad.push(b);
      files.onBadLine?.(b);
    },
  };
  if (!files.results && !files.matrix) {
    throw new CodermError(
      "E_BAD_INPUT",
      "give --results (PairResult JSONL) or --matrix (pass-matrix JSONL)",
      "results",
    );
  }

  // Problem order (and the benchmark name for titles).
  let order: string[] | undefined;
  let benchmark: string | undefined;
  if (files.problems) {
    const r = await resolveProblems(files.problems, readOpts, "--problems");
    order = r.problems.map((p) => p.task_id);
    benchmark = isBenchmarkName(files.problems)
      ? files.problems
      : r.problems.find((p) => p.benchmark)?.benchmark;
  }

  const nBy = files.solutions
    ? sizesByTask((await readJsonl(files.solutions, SolutionSampleSchema, readOpts)).records)
    : undefined;
  const mBy = files.tests
    ? sizesByTask((await readJsonl(files.tests, UnitTestSampleSchema, readOpts)).records)
    : undefined;

  // The results file's bad lines are passed on once it is known to hold some results: a file of the
  // wrong kind is one error line, not a warning per line first.
  const held: BadLine[] = [];
  const holdOpts = { onBadLine: (b: BadLine) => held.push(b) };
  let matrices: PassMatrices;
  if (files.matrix) {
    matrices = (await readPassMatrixFile(files.matrix, holdOpts)).matrices;
  } else {
    let sizes: Map<string, MatrixSize> | undefined;
    if (nBy && mBy) {
      sizes = new Map();
      const known = [...new Set([...nBy.keys(), ...mBy.keys()])];
      for (const task of order ? order.filter((t) => nBy.has(t) || mBy.has(t)) : known) {
        sizes.set(task, { solutions: nBy.get(task) ?? 0, tests: mBy.get(task) ?? 0 });
      }
    } else {
      notes.push(
        "without --solutions and --tests, matrix sizes are inferred from the results (max index + 1)",
      );
    }
    const read = await readPassMatrices(files.results!, { ...holdOpts, sizes });
    if (read.summary.duplicates > 0)
      notes.push(`${read.summary.duplicates} duplicate results (the last one was kept)`);
    matrices = read.matrices;
  }
  for (const b of held) readOpts.onBadLine(b);

  const labels = new Map<string, boolean[]>();
  if (files.labels) {
    const read = (await readJsonl(files.labels, LabelSchema, readOpts)).records;
    const noVerdict = read.filter((l) => l.error !== undefined).length;
    if (noVerdict > 0)
      notes.push(
        `${noVerdict} labels have no verdict (their task's ground truth failed; see their \`error\`): counted as incorrect`,
      );
    for (const l of read) {
      let list = labels.get(l.task_id);
      if (!list) {
        list = [];
        labels.set(l.task_id, list);
      }
      list[l.index] = l.correct;
    }
  }

  // Keep the problem order; drop tasks that are not problems. A problem with solutions or labels but
  // no results stays, every pair a missing result (a fail): the reference averages over the whole
  // benchmark, so dropping it would inflate accuracy. A problem with nothing at all was not run.
  if (order) {
    const ordered: PassMatrices = new Map();
    let notRun = 0;
    for (const task of order) {
      let m = matrices.get(task);
      if (!m) {
        if (!nBy?.has(task) && !mBy?.has(task) && !labels.has(task)) {
          notRun++;
          continue;
        }
        m = new PassMatrix(nBy?.get(task) ?? labels.get(task)?.length ?? 0, mBy?.get(task) ?? 0);
      }
      ordered.set(task, m);
    }
    const extra = [...matrices.keys()].filter((t) => !ordered.has(t)).length;
    if (extra > 0) notes.push(`${extra} tasks with results are not in the problem set and were ignored`);
    if (notRun > 0) {
      notes.push(`${notRun} problems have no solutions, tests, results or labels and were left out`);
    }
    matrices = ordered;
  }
  const noResults = [...matrices.values()].filter(
    (m) => m.solutions * m.tests === 0 || m.missingCount() === m.solutions * m.tests,
  ).length;
  if (noResults > 0) notes.push(`${noResults} problems have no results: every pair counts as a fail`);

  if (files.labels) {
    let overlap = 0;
    let holes = 0;
    for (const [task, m] of matrices) {
      const list = labels.get(task);
      if (!list) continue;
      overlap++;
      for (let i = 0; i < Math.max(m.solutions, list.length); i++) {
        if (list[i] === undefined) {
          holes++;
          list[i] = false;
        }
      }
    }
    if (overlap === 0 && matrices.size > 0) {
      throw new CodermError(
        "E_NO_GROUND_TRUTH",
        `labels cover none of the ${matrices.size} problems`,
        files.labels,
      );
    }
    if (holes > 0) notes.push(`${holes} solutions of labelled problems have no label and count as incorrect`);
  }
  if (bad.length > 0) {
    notes.push(`${bad.length} input lines were skipped (first: ${formatBadLine(bad[0]!)})`);
  }
  return { matrices, labels, ...(benchmark ? { benchmark } : {}), notes, bad };
}
