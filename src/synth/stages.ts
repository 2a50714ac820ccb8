/**
 * The stages of `synth()` for the pipeline loop (`src/run/pipeline.ts`: it owns fingerprints, skipping,
 * resuming, stale outputs, the ledger, stop checks and events). Each reads what earlier stages put in
 * `SynthState` and adds its own output. Sandbox stages append every pair result to their file as it
 * arrives; `compute` reruns only the pairs that file lacks, so a kill loses only the pairs in flight.
 */
import { appendFileSync, existsSync, statSync } from "node:fs";
import { z } from "zod";
import { CodermError } from "../errors.js";
import { labelHumanEval } from "../evaluate/labels/index.js";
import { describeTestClass } from "../extract/index.js";
import { readJsonl, writeJsonl, writeTextAtomic } from "../io/jsonl.js";
import { outcomeToResult, pairId } from "../matrix/pairs.js";
import { PassMatrix } from "../matrix/pass-matrix.js";
import { writePassMatrices } from "../matrix/results-io.js";
import { buildPrompts } from "../prompts/index.js";
import {
  type Label,
  LabelSchema,
  type PairResult,
  PairResultSchema,
  type SolutionSample,
  SolutionSampleSchema,
  type UnitTestSample,
  UnitTestSampleSchema,
} from "../records.js";
import { generateSamples } from "../run/generate.js";
import type { Stage, StageContext } from "../run/pipeline.js";
import type { PairInput, Sandbox } from "../sandbox/index.js";
import { ResponseCache, type Store } from "../store/index.js";
import type { SynthConfig } from "./config.js";
import { type ExportItem, writeExports } from "./export.js";
import { generateMutants, type Mutant, type MutantStats } from "./mutants.js";
import {
  agreementTestClass,
  checkTestClass,
  type HarvestedCall,
  harvestCalls,
  ioTestClass,
} from "./oracles.js";
import { type SynthQuestion, SynthQuestionSchema, topLevelFunctions } from "./questions.js";
import { writeSynthReport } from "./report.js";
import { applyFilters, columnQuality, finite, mutationScore, type TestScore } from "./score.js";
import { loadSynthQuestions, questionsFile, recordedWeak, teacherProvider } from "./sources.js";
import { type SynthSummary, summarize } from "./summary.js";

export const SYNTH_FILES = {
  config: "config.json",
  questions: "questions.jsonl",
  tests: "tests.jsonl",
  gtResults: "ground-truth-results.jsonl",
  filter: "filter.jsonl",
  weak: "weak.jsonl",
  labels: "labels.jsonl",
  labelResults: "label-results.jsonl",
  weakResults: "weak-results.jsonl",
  mutants: "mutants.jsonl",
  mutantResults: "mutant-results.jsonl",
  probeResults: "probe-results.jsonl",
  scores: "scores.jsonl",
  evalMatrix: "eval/matrix.jsonl",
  evalLabels: "eval/labels.jsonl",
  evalProblems: "eval/problems.jsonl",
  summary: "summary.json",
  reportMd: "report.md",
  reportHtml: "report.html",
  exportDir: "export",
  store: "store.sqlite",
} as const;

/** Why a generated test is not in the kept set. */
export type DropReason = "generation" | "invalid" | "duplicate" | "fail" | "error" | "timeout";

export interface FilterRecord {
  task_id: string;
  test: number;
  kept: boolean;
  reason?: DropReason;
  detail?: string;
}

export interface MutantRecord extends Mutant {
  task_id: string;
  /** Ordinal of the mutant in its question (the pair matrix row). */
  index: number;
  /** Kept tests (by test index) that kill it. */
  killed_by: number[];
  /** Estimated equivalent: survives every kept test and agrees with the ground truth on every probe; null: no probe. */
  equivalent: boolean | null;
}

export interface SynthState {
  config: SynthConfig;
  store: Store;
  /** The one sandbox of the run, started when a stage first needs it. */
  sandbox(ctx: StageContext): Promise<Sandbox>;
  questions: SynthQuestion[];
  questionInfo: Record<string, unknown>;
  byId: Map<string, SynthQuestion>;
  tests: UnitTestSample[];
  filter: FilterRecord[];
  /** Kept test indices per question. */
  kept: Map<string, number[]>;
  testText: Map<string, string | null>;
  weak: SolutionSample[];
  labels: Label[];
  labelOf: Map<string, boolean>;
  weakResults: Map<string, PairResult>;
  mutants: Map<string, Mutant[]>;
  mutantStats: Record<string, MutantStats>;
  mutantResults: Map<string, PairResult>;
  mutantRecords: MutantRecord[];
  scores: TestScore[];
  matrices: Map<string, PassMatrix>;
  evalLabels: Label[];
  exportFiles: Record<string, string>;
  summary?: SynthSummary;
}

const key = (task: string, index: number) => `${task}\u0000${index}`;
const keptText = (s: SynthState, task: string, test: number) => s.testText.get(key(task, test)) as string;
const keptTests = (s: SynthState, task: string) => (s.kept.get(task) ?? []).map((j) => keptText(s, task, j));

function groupBy<T extends { task_id: string }>(xs: Iterable<T>): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const l = m.get(x.task_id);
    if (l) l.push(x);
    else m.set(x.task_id, [x]);
  }
  return m;
}

function countBy(xs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

const byTaskThen =
  <T extends { task_id: string }>(n: (x: T) => number) =>
  (a: T, b: T) =>
    a.task_id < b.task_id ? -1 : a.task_id > b.task_id ? 1 : n(a) - n(b);

async function readResults(file: string): Promise<Map<string, PairResult>> {
  const out = new Map<string, PairResult>();
  if (existsSync(file))
    for (const r of (await readJsonl(file, PairResultSchema)).records) out.set(pairId(r), r);
  return out;
}

/** Run the pairs `file` does not hold yet, appending each result as it arrives; all results by pair id. */
async function runMissing(
  s: SynthState,
  ctx: StageContext,
  file: string,
  pairs: readonly PairInput[],
): Promise<Map<string, PairResult>> {
  const results = await readResults(file);
  appendFileSync(file, ""); // exists even with nothing to run, so the loop sees the stage's output
  const todo = pairs.filter((p) => !results.has(p.id));
  if (results.size > 0) ctx.note(`resuming: ${results.size} pair results kept, ${todo.length} to run`);
  if (todo.length === 0) return results;
  const sb = await s.sandbox(ctx);
  let done = 0;
  for await (const o of sb.run(todo)) {
    const r = outcomeToResult(o);
    appendFileSync(file, `${JSON.stringify(r)}\n`);
    results.set(o.id, r);
    ctx.progress(++done, todo.length);
  }
  ctx.checkStop();
  return results;
}

function sampleProgress(total: number, ctx: StageContext) {
  let done = 0;
  return (e: { type: string }) => {
    if (e.type === "sample") ctx.progress(++done, total);
  };
}

// --- the stages ----------------------------------------------------------------------------------

const questions: Stage<SynthState> = {
  name: "questions",
  files: [SYNTH_FILES.questions],
  settings: (s) => {
    const file = questionsFile(s.config.questions);
    const st = existsSync(file) ? statSync(file) : undefined;
    return { file, size: st?.size, mtime: st?.mtimeMs, format: s.config.format, limit: s.config.limit };
  },
  load: async (s, ctx) => {
    s.questions = (
      await readJsonl(ctx.path(SYNTH_FILES.questions), SynthQuestionSchema, { strict: true })
    ).records;
    s.questionInfo = ctx.previous?.info ?? {};
  },
  compute: async (s, ctx) => {
    const loaded = await loadSynthQuestions(s.config);
    if (loaded.questions.length === 0) {
      const first = loaded.bad[0]
        ? `${loaded.bad[0].file}:${loaded.bad[0].line}: ${loaded.bad[0].reason}`
        : loaded.skipped[0]
          ? `${loaded.skipped[0].where}: ${loaded.skipped[0].reason}`
          : undefined;
      throw new CodermError(
        "E_BAD_INPUT",
        `no usable questions${first ? ` (first: ${first})` : ""}`,
        questionsFile(s.config.questions),
      );
    }
    s.questions = loaded.questions;
    for (const b of loaded.bad.slice(0, 5)) ctx.note(`warning: ${b.file}:${b.line}: ${b.reason}`);
    await writeJsonl(ctx.path(SYNTH_FILES.questions), s.questions, { atomic: true });
    s.questionInfo = {
      questions: s.questions.length,
      bad: loaded.bad.length,
      skipped: loaded.skipped.length,
      skipReasons: countBy(loaded.skipped.map((x) => x.reason)),
    };
    return { info: s.questionInfo };
  },
};

const generate: Stage<SynthState> = {
  name: "generate",
  after: ["questions"],
  files: [SYNTH_FILES.tests],
  settings: (s) => ({ m: s.config.m, teacher: s.config.teacher }),
  load: async (s, ctx) => {
    s.tests = (await readJsonl(ctx.path(SYNTH_FILES.tests), UnitTestSampleSchema, { strict: true })).records;
  },
  compute: async (s, ctx) => {
    const provider = await teacherProvider(s.config, s.questions);
    const embed = new Map(s.questions.map((q) => [q.task_id, q.canonical_solution.trimEnd()]));
    const g = await generateSamples({
      role: "tester",
      prompts: buildPrompts(s.questions, "tester", undefined, embed),
      n: s.config.m,
      model: s.config.teacher,
      cache: new ResponseCache(s.store),
      ...(provider ? { provider } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      onEvent: sampleProgress(s.questions.length * s.config.m, ctx),
    });
    s.tests = g.samples;
    await writeJsonl(ctx.path(SYNTH_FILES.tests), s.tests, { atomic: true });
    if (g.failures.length > 0)
      ctx.note(`${g.failures.length} teacher samples failed after retries; rerun to ask for them again`);
    return { complete: g.failures.length === 0, info: { tests: s.tests.length, failed: g.failures.length } };
  },
};

function dropReason(verdict: string): DropReason {
  if (verdict === "fail" || verdict === "timeout" || verdict === "invalid") return verdict;
  return "error";
}

/** Ground-truth pairs of the tests extraction kept; the other tests get their drop record at once. */
function groundTruthPairs(s: SynthState): { pairs: PairInput[]; dropped: FilterRecord[] } {
  const pairs: PairInput[] = [];
  const dropped: FilterRecord[] = [];
  for (const t of s.tests) {
    const base = { task_id: t.task_id, test: t.index };
    if (t.test === null) {
      const r = t.rejected ?? "rejected";
      const reason: DropReason = r.startsWith("duplicate")
        ? "duplicate"
        : r.startsWith("generation failed")
          ? "generation"
          : "invalid";
      dropped.push({ ...base, kept: false, reason, detail: r });
      continue;
    }
    const d = describeTestClass(t.test);
    if (!d.ok || d.testCount === 0) {
      dropped.push({ ...base, kept: false, reason: "invalid", detail: d.ok ? "no test methods" : d.reason });
      continue;
    }
    const q = s.byId.get(t.task_id) as SynthQuestion;
    pairs.push({
      id: pairId({ ...base, solution: 0 }),
      solution: q.canonical_solution,
      test: t.test,
      format: "unittest",
    });
  }
  return { pairs, dropped };
}

const filter: Stage<SynthState> = {
  name: "filter",
  after: ["generate"],
  files: [SYNTH_FILES.gtResults, SYNTH_FILES.filter],
  settings: (s) => ({ timeout: s.config.sandbox.timeout }),
  load: async (s, ctx) => {
    s.filter = (await readJsonl(ctx.path(SYNTH_FILES.filter), FilterSchemaLike)).records as FilterRecord[];
  },
  compute: async (s, ctx) => {
    const { pairs, dropped } = groundTruthPairs(s);
    const results = await runMissing(s, ctx, ctx.path(SYNTH_FILES.gtResults), pairs);
    s.filter = [...dropped];
    for (const p of pairs) {
      const r = results.get(p.id) as PairResult;
      const cell = { task_id: r.task_id, test: r.test };
      if (r.passed) s.filter.push({ ...cell, kept: true });
      else
        s.filter.push({
          ...cell,
          kept: false,
          reason: dropReason(r.verdict),
          ...(r.stderr ? { detail: r.stderr.split("\n").slice(-3).join("\n") } : {}),
        });
    }
    s.filter.sort(byTaskThen((f) => f.test));
    await writeJsonl(ctx.path(SYNTH_FILES.filter), s.filter, { atomic: true });
    return { info: { kept: s.filter.filter((f) => f.kept).length } };
  },
};

const weak: Stage<SynthState> = {
  name: "weak",
  after: ["questions"],
  files: [SYNTH_FILES.weak],
  settings: (s) => ({ n: s.config.nWeak, weak: s.config.weak }),
  load: async (s, ctx) => {
    s.weak = (await readJsonl(ctx.path(SYNTH_FILES.weak), SolutionSampleSchema, { strict: true })).records;
  },
  compute: async (s, ctx) => {
    let failed = 0;
    let got = s.config.nWeak === 0 ? [] : await recordedWeak(s.config, s.questions);
    if (!got) {
      const g = await generateSamples({
        role: "policy",
        prompts: buildPrompts(
          s.questions.map(weakPromptProblem),
          "policy",
          s.questions.every((q) => q.question === undefined) ? "humaneval" : "livecodebench",
        ),
        n: s.config.nWeak,
        model: s.config.weak,
        cache: new ResponseCache(s.store),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        onEvent: sampleProgress(s.questions.length * s.config.nWeak, ctx),
      });
      got = g.samples;
      failed = g.failures.length;
      if (failed > 0) ctx.note(`${failed} weak samples failed after retries; rerun to ask for them again`);
    }
    s.weak = got.filter((x) => s.byId.has(x.task_id) && x.index < s.config.nWeak);
    await writeJsonl(ctx.path(SYNTH_FILES.weak), s.weak, { atomic: true });
    return { complete: failed === 0, info: { weak: s.weak.length, failed } };
  },
};

const label: Stage<SynthState> = {
  name: "label",
  after: ["weak", "filter"],
  files: [SYNTH_FILES.labels, SYNTH_FILES.labelResults],
  settings: (s) => ({ timeout: s.config.sandbox.timeout }),
  load: async (s, ctx) => {
    s.labels = (await readJsonl(ctx.path(SYNTH_FILES.labels), LabelSchema, { strict: true })).records;
  },
  compute: async (s, ctx) => {
    const labels: Label[] = [];
    const hasCheck = (task: string) => s.byId.get(task)?.test?.includes("def check(") === true;
    const check = s.weak.filter((x) => hasCheck(x.task_id));
    if (check.length > 0) {
      const sb = await s.sandbox(ctx);
      const got = await labelHumanEval(check, s.byId, { executor: sb.executor("labels") });
      labels.push(...got.map((l) => ({ ...l, details: `own tests (check): ${l.details ?? "passed"}` })));
    }
    const pairs: PairInput[] = [];
    const how = new Map<string, string>();
    for (const q of s.questions) {
      if (hasCheck(q.task_id)) continue;
      const oracle = oracleFor(q, keptTests(s, q.task_id));
      if (oracle) how.set(q.task_id, oracle.how);
      for (const w of s.weak)
        if (oracle && w.task_id === q.task_id && w.solution !== null)
          pairs.push({
            id: pairId({ task_id: w.task_id, solution: w.index, test: 0 }),
            solution: w.solution,
            test: oracle.test,
            format: "unittest",
          });
    }
    const res = await runMissing(s, ctx, ctx.path(SYNTH_FILES.labelResults), pairs);
    for (const w of s.weak) {
      const m = how.get(w.task_id);
      if (!m) continue;
      const r = res.get(pairId({ task_id: w.task_id, solution: w.index, test: 0 }));
      const ok = r?.passed === true;
      labels.push({
        task_id: w.task_id,
        index: w.index,
        base_status: ok ? "pass" : "fail",
        correct: ok,
        details: `${m}: ${r?.verdict ?? "no solution"}`,
      });
    }
    s.labels = labels.sort(byTaskThen((l) => l.index));
    await writeJsonl(ctx.path(SYNTH_FILES.labels), s.labels, { atomic: true });
    return { info: { labels: s.labels.length } };
  },
};

const execute: Stage<SynthState> = {
  name: "execute",
  after: ["label", "filter"],
  files: [SYNTH_FILES.weakResults],
  load: async (s, ctx) => {
    s.weakResults = await readResults(ctx.path(SYNTH_FILES.weakResults));
  },
  compute: async (s, ctx) => {
    const pairs: PairInput[] = [];
    for (const w of s.weak) {
      if (w.solution === null || !s.labelOf.has(key(w.task_id, w.index))) continue;
      for (const j of s.kept.get(w.task_id) ?? [])
        pairs.push({
          id: pairId({ task_id: w.task_id, solution: w.index, test: j }),
          solution: w.solution,
          test: keptText(s, w.task_id, j),
          format: "unittest",
        });
    }
    s.weakResults = await runMissing(s, ctx, ctx.path(SYNTH_FILES.weakResults), pairs);
    return { info: { pairs: s.weakResults.size } };
  },
};

const mutate: Stage<SynthState> = {
  name: "mutate",
  after: ["filter"],
  files: [SYNTH_FILES.mutantResults],
  settings: (s) => ({ mutants: s.config.mutants, seed: s.config.seed, operators: s.config.operators }),
  load: async (s, ctx) => {
    s.mutantResults = await readResults(ctx.path(SYNTH_FILES.mutantResults));
  },
  compute: async (s, ctx) => {
    const pairs: PairInput[] = [];
    for (const q of s.questions)
      (s.mutants.get(q.task_id) ?? []).forEach((mu, i) => {
        for (const j of s.kept.get(q.task_id) ?? [])
          pairs.push({
            id: pairId({ task_id: q.task_id, solution: i, test: j }),
            solution: mu.code,
            test: keptText(s, q.task_id, j),
            format: "unittest",
          });
      });
    s.mutantResults = await runMissing(s, ctx, ctx.path(SYNTH_FILES.mutantResults), pairs);
    return { info: { pairs: s.mutantResults.size } };
  },
};

const probe: Stage<SynthState> = {
  name: "probe",
  after: ["mutate"],
  files: [SYNTH_FILES.probeResults, SYNTH_FILES.mutants],
  load: async (s, ctx) => {
    s.mutantRecords = (await readJsonl(ctx.path(SYNTH_FILES.mutants), MutantRecordLike))
      .records as unknown as MutantRecord[];
  },
  compute: async (s, ctx) => {
    const killed = (task: string, i: number, j: number) =>
      s.mutantResults.get(pairId({ task_id: task, solution: i, test: j }))?.passed !== true;
    const probes = new Map(s.questions.map((q) => [q.task_id, probeTests(q, keptTests(s, q.task_id))]));
    const pairs: PairInput[] = [];
    for (const q of s.questions)
      (s.mutants.get(q.task_id) ?? []).forEach((mu, i) => {
        if ((s.kept.get(q.task_id) ?? []).some((j) => killed(q.task_id, i, j))) return;
        (probes.get(q.task_id) ?? []).forEach((test, k) => {
          pairs.push({
            id: pairId({ task_id: q.task_id, solution: i, test: k }),
            solution: mu.code,
            test,
            format: "unittest",
          });
        });
      });
    const res = await runMissing(s, ctx, ctx.path(SYNTH_FILES.probeResults), pairs);
    s.mutantRecords = [];
    for (const q of s.questions)
      (s.mutants.get(q.task_id) ?? []).forEach((mu, i) => {
        const killedBy = (s.kept.get(q.task_id) ?? []).filter((j) => killed(q.task_id, i, j));
        const list = probes.get(q.task_id) ?? [];
        let equivalent: boolean | null = false;
        if (killedBy.length === 0)
          equivalent =
            list.length === 0
              ? null
              : list.every(
                  (_, k) => res.get(pairId({ task_id: q.task_id, solution: i, test: k }))?.passed === true,
                );
        s.mutantRecords.push({ task_id: q.task_id, index: i, ...mu, killed_by: killedBy, equivalent });
      });
    await writeJsonl(ctx.path(SYNTH_FILES.mutants), s.mutantRecords, { atomic: true });
    return { info: { mutants: s.mutantRecords.length } };
  },
};

const score: Stage<SynthState> = {
  name: "score",
  after: ["execute", "probe"],
  compute: async (s, ctx) => {
    const weakByTask = groupBy(s.weak);
    s.scores = [];
    s.matrices = new Map();
    s.evalLabels = [];
    for (const q of s.questions) {
      const cols = s.kept.get(q.task_id) ?? [];
      const rows = (weakByTask.get(q.task_id) ?? []).filter((w) => s.labelOf.has(key(q.task_id, w.index)));
      const m = new PassMatrix(rows.length, cols.length);
      const lab = rows.map((w) => s.labelOf.get(key(q.task_id, w.index)) === true);
      rows.forEach((w, i) => {
        cols.forEach((j, k) => {
          m.set(
            i,
            k,
            s.weakResults.get(pairId({ task_id: q.task_id, solution: w.index, test: j }))?.passed === true,
          );
        });
        s.evalLabels.push({
          task_id: q.task_id,
          index: i,
          base_status: lab[i] ? "pass" : "fail",
          correct: lab[i] === true,
          details: `weak solution ${w.index}`,
        });
      });
      s.matrices.set(q.task_id, m);
      const ms = s.mutantRecords.filter((x) => x.task_id === q.task_id);
      const equivalent = ms.filter((x) => x.equivalent === true).length;
      cols.forEach((j, k) => {
        const quality = columnQuality(m, k, lab);
        const text = keptText(s, q.task_id, j);
        const tally = {
          mutants: ms.length,
          killed: ms.filter((x) => x.killed_by.includes(j)).length,
          equivalent,
        };
        s.scores.push({
          task_id: q.task_id,
          test: j,
          far: finite(quality.far),
          frr: finite(quality.frr),
          acc: finite(quality.acc),
          f1: finite(quality.f1),
          counts: quality.counts,
          ...tally,
          mutation_score: mutationScore(tally),
          lines: text.split("\n").length,
          chars: text.length,
          selected: true,
        });
      });
    }
    applyFilters(s.scores, s.config.filters);
    await writeJsonl(ctx.path(SYNTH_FILES.scores), s.scores, { atomic: true });
    await writePassMatrices(ctx.path(SYNTH_FILES.evalMatrix), s.matrices);
    await writeJsonl(ctx.path(SYNTH_FILES.evalLabels), s.evalLabels, { atomic: true });
    await writeJsonl(
      ctx.path(SYNTH_FILES.evalProblems),
      s.questions.map((q) => ({ task_id: q.task_id, prompt: q.prompt, entry_point: q.entry_point })),
      { atomic: true },
    );
    return undefined;
  },
};

const exportStage: Stage<SynthState> = {
  name: "export",
  after: ["score"],
  compute: async (s, ctx) => {
    const weakByTask = groupBy(s.weak);
    const selected = groupBy(s.scores.filter((x) => x.selected));
    const items: ExportItem[] = s.questions
      .filter((q) => (selected.get(q.task_id)?.length ?? 0) > 0)
      .map((q) => ({
        question: q,
        tests: (selected.get(q.task_id) ?? []).map((x) => ({
          ut_id: x.test,
          code: keptText(s, q.task_id, x.test),
          far: x.far,
          frr: x.frr,
          mutation_score: x.mutation_score,
        })),
        solutions: (weakByTask.get(q.task_id) ?? [])
          .filter((w) => w.solution !== null)
          .map((w) => ({
            sol_id: w.index,
            code: w.solution as string,
            correct: s.labelOf.get(key(q.task_id, w.index)) ?? null,
          })),
      }));
    s.exportFiles = await writeExports(ctx.path(SYNTH_FILES.exportDir), items);
    return undefined;
  },
};

const report: Stage<SynthState> = {
  name: "report",
  after: ["export"],
  compute: async (s, ctx) => {
    s.summary = summarize({
      config: s.config,
      questions: s.questions,
      questionInfo: s.questionInfo,
      tests: s.tests,
      filter: s.filter,
      scores: s.scores,
      matrices: s.matrices,
      evalLabels: s.evalLabels,
      mutants: s.mutantRecords,
      mutantStats: s.mutantStats,
      labels: s.labels,
      notes: [],
      keptText: (task, test) => keptText(s, task, test),
    });
    writeTextAtomic(ctx.path(SYNTH_FILES.summary), `${JSON.stringify(s.summary, null, 2)}\n`);
    writeSynthReport(s.summary, ctx.path(SYNTH_FILES.reportMd), ctx.path(SYNTH_FILES.reportHtml));
    return undefined;
  },
};

/** Derived state between stages (cheap, so recomputed rather than stored). */
const derive: Record<string, (s: SynthState) => void> = {
  questions: (s) => {
    s.byId = new Map(s.questions.map((q) => [q.task_id, q]));
    for (const q of s.questions) {
      const set = generateMutants(q.canonical_solution, {
        max: s.config.mutants,
        seed: `${s.config.seed}:${q.task_id}`,
        operators: s.config.operators,
      });
      s.mutants.set(q.task_id, s.config.mutants === 0 ? [] : set.mutants);
      s.mutantStats[q.task_id] = set.stats;
    }
  },
  generate: (s) => {
    s.testText = new Map(s.tests.map((t) => [key(t.task_id, t.index), t.test]));
  },
  filter: (s) => {
    s.kept = new Map(s.questions.map((q) => [q.task_id, []]));
    for (const f of s.filter) if (f.kept) s.kept.get(f.task_id)?.push(f.test);
  },
  label: (s) => {
    s.labelOf = new Map(s.labels.map((l) => [key(l.task_id, l.index), l.correct]));
  },
};

/** The stage list, each followed by its derived state. */
export const SYNTH_STAGES: readonly Stage<SynthState>[] = [
  questions,
  generate,
  filter,
  weak,
  label,
  execute,
  mutate,
  probe,
  score,
  exportStage,
  report,
].map((st) => {
  const after = derive[st.name];
  if (!after) return st;
  return {
    ...st,
    ...(st.load
      ? {
          load: async (s: SynthState, ctx: StageContext) => {
            await st.load?.(s, ctx);
            after(s);
          },
        }
      : {}),
    compute: async (s: SynthState, ctx: StageContext) => {
      const out = await st.compute(s, ctx);
      after(s);
      return out;
    },
  };
});

// Loose schemas for our own files, read back on resume (written by this module, so only their shape matters).
const FilterSchemaLike = z.looseObject({ task_id: z.string(), test: z.number(), kept: z.boolean() });
const MutantRecordLike = z.looseObject({
  task_id: z.string(),
  index: z.number(),
  killed_by: z.array(z.number()),
});

// --- oracles ---------------------------------------------------------------------------------------

/**
 * The weak model's prompt: HumanEval-style questions keep their benchmark prompt; free-text questions get
 * LiveCodeBench's generic prompt with the ground truth's signature as starter code, so weak solutions
 * define the function the tests call.
 */
function weakPromptProblem(q: SynthQuestion): SynthQuestion {
  if (q.question === undefined) return q;
  const sig = new RegExp(`^(?:async\\s+)?def\\s+${q.entry_point}\\s*\\([^\\n]*`, "m").exec(
    q.canonical_solution,
  )?.[0];
  return {
    ...q,
    benchmark: "livecodebench",
    starter_code: (q.starter_code as string | undefined) ?? (sig ? `${sig}\n    ` : ""),
  };
}

/** Literal-argument calls of the ground truth's functions in the kept tests (at most 100, distinct). */
function harvestedInputs(q: SynthQuestion, tests: readonly string[]): HarvestedCall[] {
  const fns = new Set(topLevelFunctions(q.canonical_solution));
  const calls = tests.flatMap((t) => harvestCalls(t, fns));
  return [...new Map(calls.map((c) => [c.call, c])).values()].slice(0, 100);
}

/** How weak solutions of `q` are labelled without its `check` tests: own cases, else agreement. */
function oracleFor(q: SynthQuestion, tests: readonly string[]): { how: string; test: string } | undefined {
  if (q.io_tests)
    return {
      how: "own tests (input_output)",
      test: ioTestClass(q.entry_point, q.canonical_solution, q.io_tests),
    };
  const calls = harvestedInputs(q, tests);
  if (calls.length === 0) return undefined;
  return {
    how: `agreement with the ground truth on ${calls.length} inputs`,
    test: agreementTestClass(q.canonical_solution, calls),
  };
}

/** Probes for surviving mutants: agreement on the kept tests' inputs, and the question's own tests. */
function probeTests(q: SynthQuestion, tests: readonly string[]): string[] {
  const out: string[] = [];
  const calls = harvestedInputs(q, tests);
  if (calls.length > 0) out.push(agreementTestClass(q.canonical_solution, calls));
  if (q.io_tests) out.push(ioTestClass(q.entry_point, q.canonical_solution, q.io_tests));
  if (q.test?.includes("def check(")) out.push(checkTestClass(q.test, q.entry_point));
  return out;
}
