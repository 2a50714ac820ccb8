/**
 * The group barrier of `/v1/reward`: trainers send one rollout at a time, but the CodeRM vote needs all
 * N solutions of a problem together. Members of a group are held until `size` have arrived or the first
 * member's `wait_ms` deadline passes; then one vote runs over whoever came and every member gets its
 * own row. A member arriving after its group ran starts a new group under the same id.
 */
import type { ScoreJob, ScoreResponse } from "./score.js";

export interface GroupSpec {
  id: string;
  size: number;
  wait_ms: number;
}

export type GroupBatch = ScoreJob;

export interface GroupAnswer {
  score: ScoreResponse;
  index: number;
  received: number;
  timedOut: boolean;
}

interface Pending {
  spec: GroupSpec;
  testsKey: string;
  batch: GroupBatch;
  waiters: { resolve: (a: GroupAnswer) => void; reject: (e: unknown) => void }[];
  timer: NodeJS.Timeout;
}

export class GroupMismatch extends Error {}

export class GroupBarrier {
  private readonly open = new Map<string, Pending>();

  constructor(private readonly runBatch: (b: GroupBatch) => Promise<ScoreResponse>) {}

  get waiting(): number {
    let n = 0;
    for (const g of this.open.values()) n += g.waiters.length;
    return n;
  }

  join(spec: GroupSpec, member: Omit<GroupBatch, "solutions"> & { solution: string }): Promise<GroupAnswer> {
    const testsKey = JSON.stringify([member.format, member.strategy, member.tests]);
    let g = this.open.get(spec.id);
    if (g && g.testsKey !== testsKey)
      throw new GroupMismatch(`group "${spec.id}" is open with other tests, format or strategy`);
    if (!g) {
      const batch: GroupBatch = {
        tests: member.tests,
        format: member.format,
        strategy: member.strategy,
        solutions: [],
      };
      const created: Pending = {
        spec,
        testsKey,
        batch,
        waiters: [],
        timer: setTimeout(() => this.fire(created, true), spec.wait_ms),
      };
      g = created;
      this.open.set(spec.id, g);
    }
    const pending = g;
    pending.batch.solutions.push(member.solution);
    const p = new Promise<GroupAnswer>((resolve, reject) => pending.waiters.push({ resolve, reject }));
    if (pending.batch.solutions.length >= pending.spec.size) this.fire(pending, false);
    return p;
  }

  private fire(g: Pending, timedOut: boolean): void {
    if (this.open.get(g.spec.id) !== g) return;
    this.open.delete(g.spec.id);
    clearTimeout(g.timer);
    const received = g.batch.solutions.length;
    this.runBatch(g.batch).then(
      (score) => {
        g.waiters.forEach((w, index) => {
          w.resolve({ score, index, received, timedOut });
        });
      },
      (e) => {
        for (const w of g.waiters) w.reject(e);
      },
    );
  }
}
