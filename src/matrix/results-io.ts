/**
 * Pass matrices in and out of files. In: PairResult JSONL (one line per executed pair) folded into one
 * PassMatrix per task. Out and back: a compact JSONL with one line per task whose rows are hex bitsets,
 * `{task_id, solutions, tests, passed: [hex per solution], known?: [hex per solution]}`.
 *
 * Hex bitset layout: the row read as one big integer where bit j (value 2^j) is test j, written in
 * lowercase hex, most significant digit first, zero-padded to ceil(tests / 4) digits; so the last digit
 * holds tests 0-3. Python reads a cell as `int(row, 16) >> j & 1`.
 */
import { existsSync } from "node:fs";
import { z } from "zod";
import { requireSomeRecords } from "../cross-checks.js";
import { CodermError } from "../errors.js";
import {
  type BadLine,
  describeZodError,
  type ReadOptions,
  Rejected,
  readJsonl,
  readJsonlWith,
  writeLines,
} from "../io/jsonl.js";
import { type PairResult, PairResultSchema, VERDICTS } from "../records.js";
import { type PassMatrices, PassMatrix } from "./pass-matrix.js";

const ANY = z.unknown();

export interface MatrixSize {
  solutions: number;
  tests: number;
}

export interface ReadPassMatricesOptions extends ReadOptions {
  /**
   * Size of each task's matrix (e.g. from the solution and test files). Tasks listed here come first, in
   * this order, even without results; an index outside the size is a bad line. Tasks not listed (or all,
   * without sizes) get max index + 1 in each dimension.
   */
  sizes?: ReadonlyMap<string, MatrixSize>;
}

export interface PassMatricesSummary {
  /** Result lines used (duplicates included). */
  results: number;
  /** Results for a (task, solution, test) seen before; the last one wins. */
  duplicates: number;
  bad: number;
  tasks: number;
  /** Cells with no result across all matrices (they count as fails). */
  missing: number;
}

export interface ReadPassMatricesResult {
  matrices: PassMatrices;
  bad: BadLine[];
  summary: PassMatricesSummary;
}

/** Cells of one task as parallel growable arrays: far lighter than an object per pair. */
class Cells {
  sol: number[] = [];
  test: number[] = [];
  pass: boolean[] = [];
  maxSol = -1;
  maxTest = -1;
}

const VERDICT_SET = new Set<string>(VERDICTS);

/** The fields we need, checked by hand: zod on millions of lines is the slow path, kept for messages. */
function fastPair(
  v: unknown,
): { task_id: string; solution: number; test: number; passed: boolean } | undefined {
  if (typeof v !== "object" || v === null) return undefined;
  const r = v as Record<string, unknown>;
  const { task_id, solution, test, passed, verdict } = r;
  if (typeof task_id !== "string" || task_id.length === 0) return undefined;
  if (!Number.isInteger(solution) || (solution as number) < 0) return undefined;
  if (!Number.isInteger(test) || (test as number) < 0) return undefined;
  if (typeof passed !== "boolean" || typeof verdict !== "string" || !VERDICT_SET.has(verdict))
    return undefined;
  return { task_id, solution: solution as number, test: test as number, passed };
}

/** Read PairResult JSONL into one PassMatrix per task (see `ReadPassMatricesOptions.sizes`). */
export async function readPassMatrices(
  file: string,
  options: ReadPassMatricesOptions = {},
): Promise<ReadPassMatricesResult> {
  const cells = new Map<string, Cells>();
  for (const t of options.sizes?.keys() ?? []) cells.set(t, new Cells());
  // `build` validates and files each cell straight into column arrays (no records list, no zod per line).
  const read = await readJsonlWith(
    file,
    ANY,
    JSON.parse,
    (value) => {
      let r = fastPair(value);
      if (!r) {
        const parsed = PairResultSchema.safeParse(value);
        if (!parsed.success) return new Rejected(describeZodError(parsed.error));
        r = parsed.data;
      }
      if (r.passed !== ((value as { verdict: string }).verdict === "pass"))
        return new Rejected("passed: must be true exactly when verdict is pass");
      const size = options.sizes?.get(r.task_id);
      if (size && (r.solution >= size.solutions || r.test >= size.tests)) {
        return new Rejected(
          `(solution ${r.solution}, test ${r.test}) outside ${size.solutions}x${size.tests} for ${r.task_id}`,
        );
      }
      let c = cells.get(r.task_id);
      if (!c) {
        c = new Cells();
        cells.set(r.task_id, c);
      }
      c.sol.push(r.solution);
      c.test.push(r.test);
      c.pass.push(r.passed);
      if (r.solution > c.maxSol) c.maxSol = r.solution;
      if (r.test > c.maxTest) c.maxTest = r.test;
      return true;
    },
    options,
  );
  const bad = read.bad;
  requireSomeRecords(file, read, "a pair result", " (a pass-matrix file is read with --matrix)");
  const results = read.records.length;
  const matrices: PassMatrices = new Map();
  let duplicates = 0;
  let missing = 0;
  for (const [task, c] of cells) {
    const size = options.sizes?.get(task) ?? { solutions: c.maxSol + 1, tests: c.maxTest + 1 };
    const m = new PassMatrix(size.solutions, size.tests);
    for (let k = 0; k < c.sol.length; k++) {
      const i = c.sol[k] as number;
      const j = c.test[k] as number;
      if (m.has(i, j)) duplicates++;
      m.set(i, j, c.pass[k] as boolean);
    }
    missing += m.missingCount();
    matrices.set(task, m);
  }
  return { matrices, bad, summary: { results, duplicates, bad: bad.length, tasks: matrices.size, missing } };
}

/** A row's words as a hex bitset string (layout in the module comment). */
export function rowToHex(words: Uint32Array, tests: number): string {
  let hex = "";
  for (let w = words.length - 1; w >= 0; w--) hex += (words[w] ?? 0).toString(16).padStart(8, "0");
  return hex.slice(hex.length - Math.ceil(tests / 4));
}

/** Parse a hex bitset string into `out` (the row's words); returns an error message or undefined. */
export function hexToRow(hex: string, tests: number, out: Uint32Array): string | undefined {
  if (hex.length !== Math.ceil(tests / 4))
    return `expected ${Math.ceil(tests / 4)} hex digits, got ${hex.length}`;
  if (!/^[0-9a-fA-F]*$/.test(hex)) return "not a hex string";
  const padded = hex.padStart(out.length * 8, "0");
  for (let w = 0; w < out.length; w++) {
    const end = padded.length - w * 8;
    out[w] = Number.parseInt(padded.slice(end - 8, end), 16) >>> 0;
  }
  const extra = tests & 31;
  if (extra !== 0 && out.length > 0 && (out[out.length - 1] as number) >>> extra !== 0) {
    return `bits set beyond test ${tests - 1}`;
  }
  return undefined;
}

const MatrixLineSchema = z.object({
  task_id: z.string().min(1),
  solutions: z.number().int().nonnegative(),
  tests: z.number().int().nonnegative(),
  passed: z.array(z.string()),
  /** Omitted when every cell has a result. */
  known: z.array(z.string()).optional(),
});
export type PassMatrixLine = z.infer<typeof MatrixLineSchema>;

/** One matrix as a compact line object. */
export function passMatrixToLine(task_id: string, m: PassMatrix): PassMatrixLine {
  const passed: string[] = [];
  const known: string[] = [];
  for (let i = 0; i < m.solutions; i++) {
    passed.push(rowToHex(m.row(i), m.tests));
    known.push(rowToHex(m.known.subarray(i * m.wordsPerRow, (i + 1) * m.wordsPerRow), m.tests));
  }
  const line: PassMatrixLine = { task_id, solutions: m.solutions, tests: m.tests, passed };
  if (m.missingCount() > 0) line.known = known;
  return line;
}

/** Write matrices as compact JSONL (one task per line; gzip when the name ends in `.gz`). */
export async function writePassMatrices(file: string, matrices: PassMatrices): Promise<void> {
  const lines: string[] = [];
  for (const [task, m] of matrices) lines.push(JSON.stringify(passMatrixToLine(task, m)));
  await writeLines(file, lines);
}

function lineToMatrix(r: PassMatrixLine): PassMatrix | string {
  if (r.passed.length !== r.solutions) return `passed: ${r.passed.length} rows for ${r.solutions} solutions`;
  if (r.known && r.known.length !== r.solutions)
    return `known: ${r.known.length} rows for ${r.solutions} solutions`;
  const m = new PassMatrix(r.solutions, r.tests);
  for (let i = 0; i < r.solutions; i++) {
    const span = [i * m.wordsPerRow, (i + 1) * m.wordsPerRow] as const;
    const err = hexToRow(r.passed[i] as string, r.tests, m.bits.subarray(...span));
    if (err) return `passed.${i}: ${err}`;
    const known = m.known.subarray(...span);
    if (r.known) {
      const e2 = hexToRow(r.known[i] as string, r.tests, known);
      if (e2) return `known.${i}: ${e2}`;
      for (let w = 0; w < known.length; w++) {
        if (((m.bits[span[0] + w] as number) & ~(known[w] as number)) !== 0) {
          return `passed.${i}: a passing cell is not marked known`;
        }
      }
    } else {
      for (let j = 0; j < r.tests; j++) known[j >>> 5] = (known[j >>> 5] as number) | (1 << (j & 31));
    }
  }
  return m;
}

/** Read matrices written by `writePassMatrices`. */
export async function readPassMatrixFile(
  file: string,
  options: ReadOptions = {},
): Promise<{ matrices: PassMatrices; bad: BadLine[] }> {
  const matrices: PassMatrices = new Map();
  const read = await readJsonlWith(
    file,
    MatrixLineSchema,
    JSON.parse,
    (line) => {
      const m = lineToMatrix(line);
      if (typeof m === "string") return new Rejected(m);
      if (matrices.has(line.task_id)) return new Rejected(`second matrix for ${line.task_id}`);
      matrices.set(line.task_id, m);
      return true;
    },
    options,
  );
  requireSomeRecords(file, read, "a pass-matrix line", " (PairResult JSONL is read with --results)");
  return { matrices, bad: read.bad };
}

/** PairResult JSONL as records (for `rank --results`); a file with no pair result in it is refused. */
export async function readPairResults(file: string, options: ReadOptions = {}): Promise<PairResult[]> {
  if (!existsSync(file)) throw new CodermError("E_BAD_INPUT", "file not found", file);
  const read = await readJsonl(file, PairResultSchema, options);
  requireSomeRecords(file, read, "a pair result", " (expected PairResult JSONL, as `coderm exec` writes)");
  return read.records;
}
