/**
 * The allocation-free core every strategy and every bootstrap shares. A draw loads the considered
 * solutions' rows, ANDed with the chosen-test mask, into a reusable scratch buffer; counting is a
 * popcount per word and "passed exactly the same set of tests" is word equality, so a 100 × 100 draw
 * costs a few hundred integer operations and no objects.
 */
import type { PassMatrix } from "../matrix/pass-matrix.js";
import type { StrategyName } from "./types.js";

/** Reusable buffers for draws of up to `capacity` solutions over `words` mask words. */
export class Scratch {
  words = 0;
  capacity = 0;
  rows = new Uint32Array(0);
  counts = new Int32Array(0);
  /** Hash of each grouped row, so equal rows are found through a hash table, not by sorting. */
  hash = new Int32Array(0);
  group = new Int32Array(0);
  chosen = new Int32Array(0);
  private rep = new Int32Array(0);
  private size = new Int32Array(0);
  private slot = new Int32Array(0);
  private stamp = new Int32Array(0);
  private gen = 0;

  ensure(n: number, words: number): void {
    // `words` is the row stride of the current draw; problems with different test counts reuse the
    // buffers as long as they fit, so alternating problem shapes never reallocate.
    this.words = words;
    if (n <= this.capacity && n * words <= this.rows.length) return;
    if (n * words > this.rows.length) this.rows = new Uint32Array(Math.max(n, this.capacity) * words);
    if (n <= this.capacity) return;
    this.capacity = n;
    this.counts = new Int32Array(this.capacity);
    this.hash = new Int32Array(this.capacity);
    this.group = new Int32Array(this.capacity);
    this.chosen = new Int32Array(this.capacity);
    this.rep = new Int32Array(this.capacity);
    this.size = new Int32Array(this.capacity);
    // Open addressing at load ≤ 1/2; slots are "empty" unless stamped with the current generation,
    // so a draw never clears the table.
    let cap = 2;
    while (cap < 2 * this.capacity) cap *= 2;
    this.slot = new Int32Array(cap);
    this.stamp = new Int32Array(cap);
    this.gen = 0;
  }

  /**
   * For the positions in `list[0..len)`, set `group[p]` to the number of listed positions whose loaded
   * row equals p's (the consensus-set size), in O(len) expected time.
   */
  groupSizes(list: Int32Array, len: number): void {
    const { rows, hash, group, rep, size, slot, stamp } = this;
    const W = this.words;
    const mask = slot.length - 1;
    if (++this.gen === 0x7fffffff) {
      stamp.fill(0);
      this.gen = 1;
    }
    const gen = this.gen;
    // Hash only the rows being grouped: most draws group a handful of tied top rows, not all n.
    for (let k = 0; k < len; k++) {
      const p = list[k]!;
      let h = 0x3c6ef372;
      for (let w = p * W, end = w + W; w < end; w++) {
        h = Math.imul(h ^ rows[w]!, 0x9e3779b1);
        h ^= h >>> 15;
      }
      hash[p] = h;
    }
    for (let k = 0; k < len; k++) {
      const p = list[k]!;
      const h = hash[p]!;
      let i = h & mask;
      for (;;) {
        if (stamp[i] !== gen) {
          stamp[i] = gen;
          slot[i] = p;
          rep[p] = p;
          size[p] = 1;
          break;
        }
        const q = slot[i]!;
        if (hash[q] === h && sameRow(rows, q * W, p * W, W)) {
          rep[p] = q;
          size[q]!++;
          break;
        }
        i = (i + 1) & mask;
      }
    }
    for (let k = 0; k < len; k++) {
      const p = list[k]!;
      group[p] = size[rep[p]!]!;
    }
  }
}

/**
 * Load rows `ids[0..n)` of `m`, masked by `mask` (null = every test), into positions 0..n-1 of `s`
 * and count each row's passes. Ids outside the matrix load as empty rows: a missing result is a fail.
 */
export function loadRows(
  m: PassMatrix,
  ids: ArrayLike<number>,
  n: number,
  mask: Uint32Array | null,
  s: Scratch,
): void {
  const W = m.wordsPerRow;
  s.ensure(n, W);
  const { rows, counts } = s;
  const bits = m.bits;
  const N = m.solutions;
  for (let p = 0; p < n; p++) {
    const id = ids[p]!;
    const dst = p * W;
    let c = 0;
    if (id >= 0 && id < N) {
      const src = id * W;
      if (mask === null) {
        for (let w = 0; w < W; w++) {
          const v = bits[src + w]!;
          rows[dst + w] = v;
          c += popcount32(v);
        }
      } else {
        for (let w = 0; w < W; w++) {
          const v = bits[src + w]! & mask[w]!;
          rows[dst + w] = v;
          c += popcount32(v);
        }
      }
    } else {
      rows.fill(0, dst, dst + W);
    }
    counts[p] = c;
  }
}

/** See `Scratch.groupSizes`. */
export function groupSizes(s: Scratch, list: Int32Array, len: number): void {
  s.groupSizes(list, len);
}

function sameRow(rows: Uint32Array, a: number, b: number, W: number): boolean {
  for (let w = 0; w < W; w++) if (rows[a + w] !== rows[b + w]) return false;
  return true;
}

/**
 * Choose among loaded positions 0..n-1 with `strategy`; writes the chosen positions (ascending) into
 * `s.chosen` and returns how many. Leaves `s.group` valid for every position when `allGroups` (or the
 * strategy needs it for every position); otherwise only for positions it inspected.
 */
export function chooseInto(strategy: StrategyName, n: number, s: Scratch, allGroups = false): number {
  if (n === 0) return 0;
  const { counts, chosen, group } = s;
  if (allGroups || strategy === "codet" || strategy === "codet-product") {
    for (let p = 0; p < n; p++) chosen[p] = p;
    groupSizes(s, chosen, n);
  }
  if (strategy === "codet" || strategy === "codet-product") {
    // Float c·sqrt(|S|) compared with ===, exactly as CodeT's released code ranks and merges ties; so a
    // few mathematically equal scores (1·√18 vs 3·√2) do not tie, as there. The product is exact.
    const sqrt = strategy === "codet";
    let best = -1;
    let k = 0;
    for (let p = 0; p < n; p++) {
      const c = counts[p]!;
      const key = sqrt ? c * Math.sqrt(group[p]!) : c * group[p]!;
      if (key > best) {
        best = key;
        k = 0;
      }
      if (key === best) chosen[k++] = p;
    }
    return k;
  }
  let top = -1;
  let k = 0;
  for (let p = 0; p < n; p++) {
    const c = counts[p]!;
    if (c > top) {
      top = c;
      k = 0;
    }
    if (c === top) chosen[k++] = p;
  }
  if (strategy !== "coderm-vote" || k === 1) return k;
  // Reference tie-break: among the top scorers keep those whose exact pass set is shared by the most.
  if (!allGroups) groupSizes(s, chosen, k);
  let maxGroup = 0;
  for (let t = 0; t < k; t++) maxGroup = Math.max(maxGroup, group[chosen[t]!]!);
  let kept = 0;
  for (let t = 0; t < k; t++) {
    const p = chosen[t]!;
    if (group[p] === maxGroup) chosen[kept++] = p;
  }
  return kept;
}

// A local copy of the matrix module's popcount: under tsx, imported bindings are reached through
// accessors that V8 does not inline in this innermost loop, which made draws about 4x slower.
function popcount32(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
