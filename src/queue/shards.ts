/**
 * From pairs to shards and back. A shard is the unit of work on the queue: whole solution groups (one
 * solution with its tests) packed up to a bounded number of pairs and bytes, so that one job is about a
 * second or more of sandbox work and the queue's per-job cost stays small beside it.
 *
 * Every result is keyed by content: (limits profile, format, solution) names a group, the test text names
 * a field in it. The same key is used by the worker to store a result and by the producer to look it up,
 * so a rerun finds what any earlier run (or a shard that ran twice) already computed.
 */
import { createHash } from "node:crypto";
import type { TestFormat } from "../records.js";
import type { PairInput, PairOutcome, SandboxOptions } from "../sandbox/index.js";
import { VERSION } from "../version.js";

/** The sandbox settings that change a verdict; part of every result key and sent with every shard. */
export interface Profile {
  timeout: number;
  assertTimeout: number;
  details: boolean;
  hardened: boolean;
  skipIsPass: boolean;
  parity: boolean;
}

export type ProfileOptions = Pick<
  SandboxOptions,
  "timeout" | "assertTimeout" | "details" | "hardened" | "skipIsPass" | "parity"
>;

export function profileOf(o: ProfileOptions = {}): Profile {
  return {
    timeout: o.timeout ?? 1,
    assertTimeout: o.assertTimeout ?? 0.1,
    details: o.details ?? false,
    hardened: o.hardened ?? true,
    skipIsPass: o.skipIsPass ?? false,
    parity: o.parity ?? false,
  };
}

/** Stable text of a profile; the coderm version is in it so a release that changes verdicts starts afresh. */
export function profileKey(p: Profile): string {
  return `coderm@${VERSION}|t=${p.timeout}|a=${p.assertTimeout}|d=${+p.details}|h=${+p.hardened}|s=${+p.skipIsPass}|p=${+p.parity}`;
}

function sha(...parts: string[]): string {
  const h = createHash("sha1");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex");
}

/** The key of a solution group's results: limits, format and solution text. */
export function groupKey(profile: string, format: TestFormat, solution: string): string {
  return sha(profile, format, solution);
}

/** The field of one test inside its group (the test text as the sandbox receives it). */
export function testField(body: string): string {
  return sha(body).slice(0, 24);
}

/** A test as it travels: unittest source, or the JSON array of assert cases. */
export function testBody(p: PairInput): string {
  if (p.format === "assert") {
    const cases = Array.isArray(p.test) ? p.test : p.test.split("\n").filter((l) => l.trim() !== "");
    return JSON.stringify(cases);
  }
  return Array.isArray(p.test) ? p.test.join("\n") : p.test;
}

/** The pair a worker hands to its sandbox for (group g, test body). */
export function pairFromBody(id: string, format: TestFormat, solution: string, body: string): PairInput {
  return { id, format, solution, test: format === "assert" ? (JSON.parse(body) as string[]) : body };
}

/** One distinct (solution, test) of a run and the caller's pair ids that share it. */
export interface Unit {
  field: string;
  body: string;
  ids: string[];
}

export interface Group {
  key: string;
  format: TestFormat;
  solution: string;
  units: Unit[];
}

/** Dedupe pairs by content and group them by solution, in first-seen order. */
export function groupPairs(pairs: Iterable<PairInput>, profile: string): { groups: Group[]; total: number } {
  // Hashing is the producer's main cost per pair, so each distinct solution and test text is hashed
  // once: pairs built from samples share their string (or case array) objects, so lookups are cheap.
  const bySolution = { unittest: new Map<string, Group>(), assert: new Map<string, Group>() };
  const groups = new Map<string, Group>();
  const unitsByGroup = new Map<Group, Map<string, Unit>>();
  const textFields = {
    unittest: new Map<string, [string, string]>(),
    assert: new Map<string, [string, string]>(),
  };
  const caseFields = new WeakMap<readonly string[], [string, string]>();
  let total = 0;
  for (const p of pairs) {
    total++;
    const seen = bySolution[p.format];
    let g = seen.get(p.solution);
    if (!g) {
      const key = groupKey(profile, p.format, p.solution);
      g = groups.get(key) ?? { key, format: p.format, solution: p.solution, units: [] };
      groups.set(key, g);
      seen.set(p.solution, g);
    }
    let units = unitsByGroup.get(g);
    if (!units) {
      units = new Map();
      unitsByGroup.set(g, units);
    }
    let bf = Array.isArray(p.test) ? caseFields.get(p.test) : textFields[p.format].get(p.test);
    if (!bf) {
      const body = testBody(p);
      bf = [body, testField(body)];
      if (Array.isArray(p.test)) caseFields.set(p.test, bf);
      else textFields[p.format].set(p.test, bf);
    }
    const [body, field] = bf;
    const u = units.get(field);
    if (u) u.ids.push(p.id);
    else {
      const fresh = { field, body, ids: [p.id] };
      units.set(field, fresh);
      g.units.push(fresh);
    }
  }
  return { groups: [...groups.values()], total };
}

/** What a job carries. Test texts are listed once per shard (the tests of a task repeat across solutions). */
export interface ShardData {
  v: 1;
  /** The producer's run id: a worker skips shards whose producer is gone (stopped or killed). */
  run: string;
  profile: Profile;
  tests: string[];
  groups: { format: TestFormat; solution: string; tests: number[] }[];
}

/**
 * A job's return value: outcomes per group, in the order of `ShardData.groups[g].tests`; or, when they are
 * large, only `stored` (read them from the result store): every producer reads every completion event, and
 * BullMQ keeps thousands of them in its stream.
 */
export type ShardResult =
  | { v: 1; ms: number; worker: string; outcomes: StoredOutcome[][] }
  | { v: 1; ms: number; worker: string; stored: true }
  | { v: 1; skipped: string };

/** Outcomes up to this much JSON travel in the completion event. */
export const INLINE_RESULT_BYTES = 16 * 1024;

/** An outcome without its pair id: what the result store holds per (group, test). */
export type StoredOutcome = Omit<PairOutcome, "id">;

/** A shard as the producer tracks it: its groups' units, to map positional results back to pair ids. */
export interface PlannedShard {
  groups: { group: Group; units: Unit[] }[];
  pairs: number;
  bytes: number;
}

export interface ShardLimits {
  /** Distinct pairs per shard. */
  maxPairs: number;
  /** Approximate payload bytes per shard. */
  maxBytes: number;
}

export const DEFAULT_SHARD_LIMITS: ShardLimits = { maxPairs: 256, maxBytes: 1 << 20 };

/**
 * Cuts shards off the front of a list of groups on demand, so each shard can get the size the producer
 * wants at that moment: whole small groups share a shard until it is full, a group larger than the
 * limits is cut into chunks, and test texts shared inside a shard count once.
 */
export class ShardPacker {
  private gi = 0;
  private ui = 0;
  constructor(private readonly groups: readonly Group[]) {}

  get done(): boolean {
    return this.gi >= this.groups.length;
  }

  next(limits: ShardLimits): PlannedShard | undefined {
    const cur: PlannedShard = { groups: [], pairs: 0, bytes: 0 };
    const seen = new Set<string>();
    while (this.gi < this.groups.length) {
      const g = this.groups[this.gi]!;
      const take: Unit[] = [];
      let bytes = g.solution.length;
      while (this.ui < g.units.length) {
        const u = g.units[this.ui]!;
        const extra = seen.has(u.field) ? 8 : u.body.length + 8;
        const full =
          cur.pairs + take.length >= limits.maxPairs || cur.bytes + bytes + extra > limits.maxBytes;
        // A shard always takes at least one pair, however large.
        if (full && (take.length > 0 || cur.pairs > 0)) break;
        take.push(u);
        seen.add(u.field);
        bytes += extra;
        this.ui++;
      }
      if (take.length > 0) {
        cur.groups.push({ group: g, units: take });
        cur.pairs += take.length;
        cur.bytes += bytes;
      }
      if (this.ui < g.units.length) break; // the shard is full inside this group
      this.gi++;
      this.ui = 0;
    }
    return cur.pairs > 0 ? cur : undefined;
  }
}

/** All shards of `groups` at fixed limits. */
export function packShards(
  groups: readonly Group[],
  limits: ShardLimits = DEFAULT_SHARD_LIMITS,
): PlannedShard[] {
  const p = new ShardPacker(groups);
  const out: PlannedShard[] = [];
  for (let s = p.next(limits); s; s = p.next(limits)) out.push(s);
  return out;
}

/** The job payload of a planned shard. */
export function shardData(s: PlannedShard, run: string, profile: Profile): ShardData {
  const tests: string[] = [];
  const index = new Map<string, number>();
  const groups = s.groups.map(({ group, units }) => ({
    format: group.format,
    solution: group.solution,
    tests: units.map((u) => {
      let t = index.get(u.field);
      if (t === undefined) {
        t = tests.length;
        tests.push(u.body);
        index.set(u.field, t);
      }
      return t;
    }),
  }));
  return { v: 1, run, profile, tests, groups };
}
