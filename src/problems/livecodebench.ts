/**
 * LiveCodeBench `code_generation_lite` (the HF dataset livecodebench/code_generation_lite, files
 * `test.jsonl`, `test2.jsonl`, ... one per release increment). Semantics follow
 * `lcb_runner/benchmarks/code_generation.py`: test cases are JSON strings; private ones, when not plain
 * JSON, are base64 → zlib → pickle of a JSON string (decoded by our own opcode reader, never by Python);
 * `metadata` is a JSON string whose `func_name` marks LeetCode functional problems; the date window keeps
 * `since <= contest_date <= until` with dates at midnight.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { deflateSync, inflateSync } from "node:zlib";
import { z } from "zod";
import { CodermError } from "../errors.js";
import { type Loaded, type ReadOptions, Rejected, readJsonlWith, writeJsonl } from "../io/jsonl.js";
import {
  type LiveCodeBenchInfo,
  type LiveCodeBenchTest,
  LiveCodeBenchTestSchema,
  type Problem,
} from "../records.js";
import { unpickleString } from "./pickle.js";

const LcbLine = z.looseObject({
  question_title: z.string(),
  question_content: z.string(),
  platform: z.enum(["leetcode", "codeforces", "atcoder"]),
  question_id: z.string().min(1),
  contest_id: z.string(),
  contest_date: z.string().refine((s) => !Number.isNaN(dateMillis(s)), "not an ISO date"),
  starter_code: z.string(),
  difficulty: z.enum(["easy", "medium", "hard"]),
  public_test_cases: z.string(),
  private_test_cases: z.string(),
  metadata: z.string(),
});
type LcbLine = z.infer<typeof LcbLine>;
const Tests = z.array(LiveCodeBenchTestSchema);

/**
 * Milliseconds of an ISO date or date-time. A value without a zone is read as UTC, so naive dates (as
 * Python compares them) order the same on every machine.
 */
export function dateMillis(s: string): number {
  const t = s.trim();
  const withTime = /^\d{4}-\d{2}-\d{2}$/.test(t) ? `${t}T00:00:00` : t;
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(withTime) ? withTime : `${withTime}Z`;
  return Date.parse(zoned);
}

/** Decode `private_test_cases`: plain JSON, else base64 + zlib + pickled JSON string. */
export function decodePrivateTests(field: string): LiveCodeBenchTest[] {
  let plain: unknown;
  try {
    plain = JSON.parse(field);
  } catch {
    // Not JSON: the compressed form (the reference tries the same two in this order).
    const value = unpickleString(inflateSync(Buffer.from(field, "base64")));
    plain = JSON.parse(typeof value === "string" ? value : Buffer.from(value).toString("utf8"));
  }
  return Tests.parse(plain);
}

/** Encode tests the way the release does (pickle protocol 4 of the JSON string, zlib, base64). */
export function encodePrivateTests(tests: LiveCodeBenchTest[]): string {
  const body = Buffer.from(JSON.stringify(tests), "utf8");
  const head = Buffer.alloc(1 + 4);
  head[0] = 0x58; // BINUNICODE
  head.writeUInt32LE(body.length, 1);
  // PROTO 4 + FRAME would be optional hints; BINUNICODE + STOP is a complete pickle any Python reads.
  const pickle = Buffer.concat([Buffer.from([0x80, 0x04]), head, body, Buffer.from([0x2e])]);
  return deflateSync(pickle).toString("base64");
}

function toProblem(r: LcbLine): Problem | string {
  let pub: LiveCodeBenchTest[];
  let priv: LiveCodeBenchTest[];
  let metadata: Record<string, unknown>;
  try {
    pub = Tests.parse(JSON.parse(r.public_test_cases));
  } catch (e) {
    return `public_test_cases: ${short(e)}`;
  }
  try {
    priv = decodePrivateTests(r.private_test_cases);
  } catch (e) {
    return `private_test_cases: ${short(e)}`;
  }
  try {
    const m = JSON.parse(r.metadata) as unknown;
    if (typeof m !== "object" || m === null || Array.isArray(m)) return "metadata: not a JSON object";
    metadata = m as Record<string, unknown>;
  } catch (e) {
    return `metadata: ${short(e)}`;
  }
  const funcName = typeof metadata.func_name === "string" ? metadata.func_name : "";
  const info: LiveCodeBenchInfo = {
    question_title: r.question_title,
    platform: r.platform,
    contest_id: r.contest_id,
    contest_date: r.contest_date,
    starter_code: r.starter_code,
    difficulty: r.difficulty,
    public_test_cases: pub,
    private_test_cases: priv,
    metadata,
  };
  return {
    task_id: r.question_id,
    benchmark: "livecodebench",
    prompt: r.question_content,
    question: r.question_content,
    entry_point: funcName,
    livecodebench: info,
  };
}

function short(e: unknown): string {
  if (e instanceof z.ZodError)
    return e.issues[0] ? `${e.issues[0].path.join(".")}: ${e.issues[0].message}` : "invalid";
  return (e as Error).message;
}

/** True for LeetCode-style problems tested by calling `Solution().<func_name>(...)`. */
export function isFunctional(p: Problem): boolean {
  return p.entry_point !== "" || p.livecodebench?.public_test_cases[0]?.testtype === "functional";
}

export interface DateWindow {
  /** Keep problems whose contest_date is on or after this (YYYY-MM-DD or ISO date-time). */
  since?: string;
  /** Keep problems whose contest_date is on or before this (a bare date means its midnight, as LCB). */
  until?: string;
}

/** Filter problems by LiveCodeBench release (contest) date; with a window, problems without one are dropped. */
export function filterByDate(problems: Problem[], window: DateWindow): Problem[] {
  const lo = window.since === undefined ? Number.NEGATIVE_INFINITY : dateMillis(window.since);
  const hi = window.until === undefined ? Number.POSITIVE_INFINITY : dateMillis(window.until);
  if (Number.isNaN(lo)) throw new CodermError("E_BAD_INPUT", `not a date: ${window.since}`, "--since");
  if (Number.isNaN(hi)) throw new CodermError("E_BAD_INPUT", `not a date: ${window.until}`, "--until");
  if (window.since === undefined && window.until === undefined) return problems;
  return problems.filter((p) => {
    const d = p.livecodebench ? dateMillis(p.livecodebench.contest_date) : Number.NaN;
    return lo <= d && d <= hi;
  });
}

/** Read one `code_generation_lite` JSONL file. */
export async function readLiveCodeBench(file: string, options: ReadOptions = {}): Promise<Loaded<Problem>> {
  const read = await readJsonlWith(
    file,
    LcbLine,
    JSON.parse,
    (r) => {
      const p = toProblem(r);
      return typeof p === "string" ? new Rejected(p) : p;
    },
    options,
  );
  const records = read.records;
  return { records, bad: read.bad };
}

export interface LoadLiveCodeBenchOptions extends ReadOptions, DateWindow {
  /** Directory with the dataset's `test*.jsonl` files (e.g. a clone of the HF dataset repository). */
  dir: string;
  /**
   * `release_v1`..`release_vN`: test.jsonl up to testN.jsonl (cumulative, as LCB's version_tag);
   * `vN`: only that increment's file; `release_latest` or unset: every test*.jsonl present.
   */
  release?: string;
}

/** The dataset files a release tag selects, in release order. */
export function liveCodeBenchFiles(dir: string, release?: string): string[] {
  if (!existsSync(dir)) throw new CodermError("E_BAD_INPUT", "LiveCodeBench directory not found", dir);
  const rank = (f: string): number => {
    const m = /^test(\d*)\.jsonl$/.exec(f);
    return m ? (m[1] === "" ? 1 : Number(m[1])) : 0;
  };
  const present = readdirSync(dir)
    .filter((f) => rank(f) > 0)
    .sort((a, b) => rank(a) - rank(b));
  let chosen = present;
  const cumulative = release ? /^release_v(\d+)$/.exec(release) : null;
  const single = release ? /^v(\d+)$/.exec(release) : null;
  if (cumulative) chosen = present.filter((f) => rank(f) <= Number(cumulative[1]));
  else if (single) chosen = present.filter((f) => rank(f) === Number(single[1]));
  else if (release !== undefined && release !== "release_latest") {
    throw new CodermError(
      "E_BAD_INPUT",
      `unknown release "${release}" (release_vN, vN or release_latest)`,
      "release",
    );
  }
  if (chosen.length === 0) {
    throw new CodermError("E_BAD_INPUT", `no test*.jsonl for ${release ?? "any release"}`, dir);
  }
  return chosen.map((f) => join(dir, f));
}

/** Load LiveCodeBench problems from a downloaded `code_generation_lite` directory, optionally date-filtered. */
export async function loadLiveCodeBench(options: LoadLiveCodeBenchOptions): Promise<Loaded<Problem>> {
  const records: Problem[] = [];
  const bad: Loaded<Problem>["bad"] = [];
  for (const file of liveCodeBenchFiles(options.dir, options.release)) {
    const r = await readLiveCodeBench(file, options);
    records.push(...r.records);
    bad.push(...r.bad);
  }
  return { records: filterByDate(records, options), bad };
}

/** Write problems back in the `code_generation_lite` format (private tests compressed as released). */
export async function writeLiveCodeBench(file: string, problems: Iterable<Problem>): Promise<void> {
  const lines: unknown[] = [];
  for (const p of problems) {
    const x = p.livecodebench;
    if (!x)
      throw new CodermError("E_BAD_INPUT", "not a LiveCodeBench problem (no livecodebench field)", p.task_id);
    lines.push({
      question_title: x.question_title,
      question_content: p.question ?? p.prompt,
      platform: x.platform,
      question_id: p.task_id,
      contest_id: x.contest_id,
      contest_date: x.contest_date,
      starter_code: x.starter_code,
      difficulty: x.difficulty,
      public_test_cases: JSON.stringify(x.public_test_cases),
      private_test_cases: encodePrivateTests(x.private_test_cases),
      metadata: JSON.stringify(x.metadata),
    });
  }
  await writeJsonl(file, lines);
}
