/**
 * A verdict cache in front of any PairExecutor, keyed by (solution hash, test hash, format). The limits
 * are the executor's, fixed for the server's life, so they need not be in the key. RL rollouts repeat
 * solutions often (identical samples, the same reference run every epoch); a hit costs no sandbox time.
 */
import { createHash } from "node:crypto";
import type { PairExecutor, PairInput, PairOutcome, RunOptions } from "../sandbox/index.js";

export function pairKey(p: Pick<PairInput, "solution" | "test" | "format">): string {
  const h = createHash("sha256");
  h.update(p.format).update("\0").update(p.solution).update("\0");
  h.update(Array.isArray(p.test) ? JSON.stringify(p.test) : p.test);
  return h.digest("base64url");
}

export class VerdictCache implements PairExecutor {
  private readonly entries = new Map<string, Omit<PairOutcome, "id">>();
  hits = 0;
  misses = 0;

  constructor(
    private readonly inner: PairExecutor,
    private readonly capacity = 200_000,
  ) {}

  get isolation() {
    return this.inner.isolation;
  }

  async *run(pairs: Iterable<PairInput>, opts: RunOptions = {}): AsyncIterable<PairOutcome> {
    const todo: PairInput[] = [];
    const keys = new Map<string, string>();
    for (const p of pairs) {
      const key = pairKey(p);
      const hit = this.entries.get(key);
      if (hit) {
        this.hits++;
        // Re-insert so the Map's insertion order is least-recently-used first.
        this.entries.delete(key);
        this.entries.set(key, hit);
        yield { ...hit, id: p.id };
      } else {
        this.misses++;
        keys.set(p.id, key);
        todo.push(p);
      }
    }
    if (todo.length === 0) return;
    for await (const o of this.inner.run(todo, opts)) {
      const key = keys.get(o.id);
      // A crash may be the machine's fault (a worker killed twice); run it again next time.
      if (key !== undefined && o.verdict !== "crash") {
        const { id: _id, ...rest } = o;
        this.entries.set(key, rest);
        if (this.entries.size > this.capacity)
          this.entries.delete(this.entries.keys().next().value as string);
      }
      yield o;
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
