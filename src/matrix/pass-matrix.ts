/**
 * The pass matrix of one problem: r[i][j] = 1 when solution i passes unit test j. Stored as bitsets
 * (one row of 32-bit words per solution) because best-of-n bootstraps touch millions of cells; a
 * second bitset records which cells have a result, so a missing result counts as a fail (reference
 * semantics) yet stays distinguishable.
 */
export class PassMatrix {
  readonly wordsPerRow: number;
  readonly bits: Uint32Array;
  readonly known: Uint32Array;

  constructor(
    readonly solutions: number,
    readonly tests: number,
  ) {
    this.wordsPerRow = Math.ceil(tests / 32);
    this.bits = new Uint32Array(solutions * this.wordsPerRow);
    this.known = new Uint32Array(solutions * this.wordsPerRow);
  }

  /** Build from a dense 0/1 (or boolean) array of rows; every cell counts as known. */
  static fromRows(rows: ReadonlyArray<ReadonlyArray<number | boolean>>, tests?: number): PassMatrix {
    const m = new PassMatrix(rows.length, tests ?? rows[0]?.length ?? 0);
    rows.forEach((row, i) => {
      row.forEach((v, j) => {
        m.set(i, j, Boolean(v));
      });
    });
    return m;
  }

  get(i: number, j: number): boolean {
    const w = this.bits[i * this.wordsPerRow + (j >>> 5)] ?? 0;
    return ((w >>> (j & 31)) & 1) === 1;
  }

  has(i: number, j: number): boolean {
    const w = this.known[i * this.wordsPerRow + (j >>> 5)] ?? 0;
    return ((w >>> (j & 31)) & 1) === 1;
  }

  set(i: number, j: number, passed: boolean): void {
    if (i < 0 || i >= this.solutions || j < 0 || j >= this.tests) {
      throw new RangeError(`cell (${i}, ${j}) outside ${this.solutions}x${this.tests} matrix`);
    }
    const k = i * this.wordsPerRow + (j >>> 5);
    const bit = 1 << (j & 31);
    this.known[k] = (this.known[k] ?? 0) | bit;
    this.bits[k] = passed ? (this.bits[k] ?? 0) | bit : (this.bits[k] ?? 0) & ~bit;
  }

  /** The words of row i (a view, not a copy). */
  row(i: number): Uint32Array {
    return this.bits.subarray(i * this.wordsPerRow, (i + 1) * this.wordsPerRow);
  }

  /** Tests passed by solution i, optionally only among the tests set in `mask`. */
  passCount(i: number, mask?: Uint32Array): number {
    let n = 0;
    const base = i * this.wordsPerRow;
    for (let w = 0; w < this.wordsPerRow; w++) {
      const v = (this.bits[base + w] ?? 0) & (mask ? (mask[w] ?? 0) : 0xffffffff);
      n += popcount32(v);
    }
    return n;
  }

  /** Cells with no result (counted as fails). */
  missingCount(): number {
    let known = 0;
    for (let i = 0; i < this.solutions; i++) {
      for (let w = 0; w < this.wordsPerRow; w++)
        known += popcount32(this.known[i * this.wordsPerRow + w] ?? 0);
    }
    return this.solutions * this.tests - known;
  }

  /** Dense copy as 0/1 rows, for display and tests. */
  toRows(): number[][] {
    const rows: number[][] = [];
    for (let i = 0; i < this.solutions; i++) {
      const r: number[] = [];
      for (let j = 0; j < this.tests; j++) r.push(this.get(i, j) ? 1 : 0);
      rows.push(r);
    }
    return rows;
  }
}

/** A bitset over `tests` bits with the given test indices set: the "chosen tests" of a bootstrap draw. */
export function testMask(tests: number, chosen: Iterable<number>): Uint32Array {
  const mask = new Uint32Array(Math.ceil(tests / 32));
  for (const j of chosen) mask[j >>> 5] = (mask[j >>> 5] ?? 0) | (1 << (j & 31));
  return mask;
}

export function popcount32(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Pass matrices of many problems, keyed by task_id, in a stable problem order. */
export type PassMatrices = Map<string, PassMatrix>;
