/**
 * How `Sandbox.run` turns pairs into worker jobs: identical (format, solution, test) pairs become one unit that
 * runs once and answers every id; a solution's units go together so its candidate loads once per job.
 */
import { createHash } from "node:crypto";
import type { PairInput, PairOutcome } from "./types.js";

export interface Unit {
  key: string;
  format: "unittest" | "assert";
  solution: string;
  test?: string;
  cases?: string[];
  ids: string[];
}

export interface PendingJob {
  solutionKey: string;
  units: Unit[];
  attempt: number;
}

function sha(...parts: string[]): string {
  const h = createHash("sha1");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex");
}

function assertCases(test: string | string[]): string[] {
  return Array.isArray(test) ? test : test.split("\n").filter((l) => l.trim() !== "");
}

/** Pairs → deduplicated units → jobs of at most `size` units of one solution, in the order pairs came. */
export function planJobs(pairs: Iterable<PairInput>, size: number): { queue: PendingJob[]; total: number } {
  const units = new Map<string, Unit>();
  let total = 0;
  for (const p of pairs) {
    total++;
    const cases = p.format === "assert" ? assertCases(p.test) : undefined;
    const test = p.format === "assert" ? undefined : Array.isArray(p.test) ? p.test.join("\n") : p.test;
    const key = sha(p.format, p.solution, test ?? JSON.stringify(cases));
    const u = units.get(key);
    if (u) u.ids.push(p.id);
    else units.set(key, { key, format: p.format, solution: p.solution, test, cases, ids: [p.id] });
  }
  const bySolution = new Map<string, Unit[]>();
  for (const u of units.values()) {
    const sk = sha(u.format, u.solution);
    const list = bySolution.get(sk);
    if (list) list.push(u);
    else bySolution.set(sk, [u]);
  }
  const queue: PendingJob[] = [];
  for (const [sk, list] of bySolution)
    for (let i = 0; i < list.length; i += size)
      queue.push({ solutionKey: sk, units: list.slice(i, i + size), attempt: 0 });
  return { queue, total };
}

/** Queue of outcomes consumed by an async generator. */
export class OutcomeQueue {
  private items: PairOutcome[] = [];
  private wake: (() => void) | undefined;
  push(o: PairOutcome): void {
    this.items.push(o);
    this.wake?.();
  }
  async next(): Promise<PairOutcome | undefined> {
    while (this.items.length === 0) await new Promise<void>((r) => (this.wake = r));
    this.wake = undefined;
    return this.items.shift();
  }
  drain(): PairOutcome[] {
    return this.items.splice(0);
  }
}

/** Result of `Sandbox.call`: a child-side kind's return value, or why it has none. */
