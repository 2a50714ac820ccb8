/**
 * The test side of `synth()`: the questions, the teacher's tests, and the filter on the ground truth (every
 * dropped test keeps its reason).
 */
import { existsSync, statSync } from "node:fs";
import { CodermError } from "../errors.js";
import { describeTestClass } from "../extract/index.js";
import { readJsonl, writeJsonl } from "../io/jsonl.js";
import { pairId } from "../matrix/pairs.js";
import { buildPrompts } from "../prompts/index.js";
import { type PairResult, UnitTestSampleSchema } from "../records.js";
import { generateSamples } from "../run/generate.js";
import type { Stage } from "../run/pipeline.js";
import type { PairInput } from "../sandbox/index.js";
import { ResponseCache } from "../store/index.js";
import { type SynthQuestion, SynthQuestionSchema } from "./questions.js";
import { loadSynthQuestions, questionsFile, teacherProvider } from "./sources.js";
import {
  byTaskThen,
  countBy,
  type DropReason,
  type FilterRecord,
  FilterSchemaLike,
  runMissing,
  SYNTH_FILES,
  type SynthState,
  sampleProgress,
} from "./state.js";

export const questions: Stage<SynthState> = {
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

export const generate: Stage<SynthState> = {
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

export const filter: Stage<SynthState> = {
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
