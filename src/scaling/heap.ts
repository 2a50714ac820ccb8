/**
 * A binary heap over small integer ids with a caller-supplied "comes first" test, stored in an
 * Int32Array so a 10^5-entry heap does no per-node allocation. The allocator keeps one entry per
 * problem and re-sifts the top after each unit it hands out (`replaceTop`), which halves the work of
 * a pop followed by a push.
 */
export class IdHeap {
  private readonly ids: Int32Array;
  private n = 0;

  constructor(
    capacity: number,
    /** True when id `a` must come out before id `b`; must be a strict total order for determinism. */
    private readonly before: (a: number, b: number) => boolean,
  ) {
    this.ids = new Int32Array(Math.max(1, capacity));
  }

  get size(): number {
    return this.n;
  }

  /** The first id, or -1 when empty. */
  peek(): number {
    return this.n > 0 ? (this.ids[0] as number) : -1;
  }

  push(id: number): void {
    if (this.n >= this.ids.length) throw new RangeError("IdHeap: capacity exceeded");
    this.ids[this.n] = id;
    this.up(this.n++);
  }

  pop(): number {
    if (this.n === 0) return -1;
    const top = this.ids[0] as number;
    this.n--;
    if (this.n > 0) {
      this.ids[0] = this.ids[this.n] as number;
      this.down(0);
    }
    return top;
  }

  /** Re-position the top entry after its key changed (it keeps its id). */
  updateTop(): void {
    if (this.n > 0) this.down(0);
  }

  private up(i: number): void {
    const ids = this.ids;
    const id = ids[i] as number;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pid = ids[p] as number;
      if (!this.before(id, pid)) break;
      ids[i] = pid;
      i = p;
    }
    ids[i] = id;
  }

  private down(i: number): void {
    const ids = this.ids;
    const n = this.n;
    const id = ids[i] as number;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && this.before(ids[r] as number, ids[c] as number)) c = r;
      const cid = ids[c] as number;
      if (!this.before(cid, id)) break;
      ids[i] = cid;
      i = c;
    }
    ids[i] = id;
  }
}

/**
 * A max-heap of problems by marginal gain with the allocators' tie rule: larger gain first, then the
 * problem with fewer tests so far, then the lower index. `gain` and `alloc` are read live.
 */
export function gainHeap(gain: Float64Array, alloc: Int32Array): IdHeap {
  return new IdHeap(gain.length, (a, b) => {
    const ga = gain[a] as number;
    const gb = gain[b] as number;
    if (ga !== gb) return ga > gb;
    const ba = alloc[a] as number;
    const bb = alloc[b] as number;
    return ba !== bb ? ba < bb : a < b;
  });
}
