/**
 * `synth()`: training data for a unit-test model, as resumable stages in one directory —
 * questions → generate (teacher) → filter on the ground truth → weak solutions → labels → execute weak ×
 * kept → mutants → score + filters → export → report. Every stage writes its file and records its
 * fingerprint in the directory's ledger (the run ledger, `src/run/ledger.ts`); sandbox stages append each
 * pair's result as it finishes, so a kill loses only the pairs in flight and a rerun skips what is done.
 * Built on the run's ledger directly, isolated in this file, until the shared stage loop lands.
 */
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RunProgress } from "../cli/progress.js";
import { CodermError } from "../errors.js";
import { labelHumanEval } from "../evaluate/labels/index.js";
import { describeTestClass, initPython } from "../extract/index.js";
import { readJsonl, writeJsonl } from "../io/jsonl.js";
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
import { fingerprint, Ledger } from "../run/ledger.js";
import { formatReport, type PairInput, Sandbox } from "../sandbox/index.js";
import { openStore, ResponseCache } from "../store/index.js";
import type { SynthConfig } from "./config.js";
import { type ExportItem, writeExports } from "./export.js";
import { generateMutants, type Mutant } from "./mutants.js";
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

export interface SynthHooks {
  progress?: RunProgress;
  signal?: AbortSignal;
}

export interface SynthOutput {
  dir: string;
  summary: SynthSummary;
  files: Record<string, string>;
}

/** Why a generated test is not in the kept set. */
export type DropReason = "generation" | "invalid" | "duplicate" | "fail" | "error" | "timeout";

export interface FilterRecord {
  task_id: string;
  test: number;
  kept: boolean;
  reason?: DropReason;
  detail?: string;
}

export interface MutantRecord extends Omit<Mutant, "code"> {
  task_id: string;
  /** Ordinal of the mutant in its question (the pair matrix row). */
  index: number;
  /** Kept tests (by test index) that kill it. */
  killed_by: number[];
  /** Estimated equivalent: survives every kept test and agrees with the ground truth on every probe; null: no probe. */
  equivalent: boolean | null;
  code: string;
}

function atomicJsonl(file: string, records: Iterable<unknown>): Promise<void> {
  return writeJsonl(`${file}.tmp`, records).then(() => renameSync(`${file}.tmp`, file));
}

function atomicText(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

function groupBy<T extends { task_id: string }>(xs: Iterable<T>): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const l = m.get(x.task_id);
    if (l) l.push(x);
    else m.set(x.task_id, [x]);
  }
  return m;
}

function dropReason(verdict: string): DropReason {
  return verdict === "fail"
    ? "fail"
    : verdict === "timeout"
      ? "timeout"
      : verdict === "invalid"
        ? "invalid"
        : "error";
}

export async function synth(config: SynthConfig, hooks: SynthHooks = {}): Promise<SynthOutput> {
  const progress = hooks.progress ?? new RunProgress("quiet");
  const dir = config.out;
  mkdirSync(join(dir, "eval"), { recursive: true });
  mkdirSync(join(dir, SYNTH_FILES.exportDir), { recursive: true });
  const path = (k: keyof typeof SYNTH_FILES) => join(dir, SYNTH_FILES[k]);
  atomicText(path("config"), `${JSON.stringify(config, null, 2)}\n`);
  const store = openStore(config.store ?? path("store"));
  const ledger = new Ledger(store);
  const checkStop = () => {
    if (hooks.signal?.aborted)
      throw new CodermError("E_INTERRUPTED", "stopped; rerun the same command to resume");
  };
  let sandbox: Sandbox | undefined;
  const getSandbox = async () => {
    if (!sandbox) {
      sandbox = await Sandbox.start({
        workers: config.sandbox.workers,
        timeout: config.sandbox.timeout,
        requireIsolation: config.sandbox.requireIsolation,
      });
      progress.note(formatReport(sandbox.isolation).split("\n")[0] ?? "");
    }
    return sandbox;
  };
  /** Run cells not yet in `file`, appending each result as it arrives; returns every result by pair id. */
  const runCells = async (file: string, fp: string, stage: string, pairs: PairInput[]) => {
    if (ledger.get(stage)?.fingerprint !== fp && existsSync(file)) rmSync(file);
    const results = new Map<string, PairResult>();
    if (existsSync(file))
      for (const r of (await readJsonl(file, PairResultSchema)).records) results.set(pairId(r), r);
    const todo = pairs.filter((p) => !results.has(p.id));
    if (todo.length === 0 && ledger.isDone(stage, fp)) {
      progress.begin(stage, true);
      return results;
    }
    progress.begin(stage);
    ledger.mark(stage, fp, "started");
    if (results.size > 0) progress.note(`resuming: ${results.size} pair results kept, ${todo.length} to run`);
    if (todo.length > 0) {
      const sb = await getSandbox();
      const stop = () => sb.kill();
      hooks.signal?.addEventListener("abort", stop, { once: true });
      try {
        let done = 0;
        for await (const o of sb.run(todo)) {
          const r = outcomeToResult(o);
          appendFileSync(file, `${JSON.stringify(r)}\n`);
          results.set(o.id, r);
          progress.update(++done, todo.length);
        }
      } finally {
        hooks.signal?.removeEventListener("abort", stop);
      }
      checkStop();
    }
    ledger.mark(stage, fp, "done", { pairs: results.size });
    return results;
  };

  try {
    await initPython();
    // questions
    const qFile = questionsFile(config.questions);
    const st = existsSync(qFile) ? statSync(qFile) : undefined;
    const fpQuestions = fingerprint({
      file: qFile,
      size: st?.size,
      mtime: st?.mtimeMs,
      format: config.format,
      limit: config.limit,
    });
    let questions: SynthQuestion[];
    const notes: string[] = [];
    if (ledger.isDone("questions", fpQuestions) && existsSync(path("questions"))) {
      progress.begin("questions", true);
      questions = (await readJsonl(path("questions"), SynthQuestionSchema, { strict: true })).records;
    } else {
      progress.begin("questions");
      const loaded = await loadSynthQuestions(config);
      questions = loaded.questions;
      for (const b of loaded.bad) progress.note(`warning: ${b.file}:${b.line}: ${b.reason}`);
      await atomicJsonl(path("questions"), questions);
      ledger.mark("questions", fpQuestions, "done", {
        questions: questions.length,
        bad: loaded.bad.length,
        skipped: loaded.skipped.length,
        skipReasons: countBy(loaded.skipped.map((s) => s.reason)),
        ...(loaded.bad[0]
          ? { firstBad: `${loaded.bad[0].file}:${loaded.bad[0].line}: ${loaded.bad[0].reason}` }
          : {}),
        ...(loaded.skipped[0]
          ? { firstSkipped: `${loaded.skipped[0].where}: ${loaded.skipped[0].reason}` }
          : {}),
      });
    }
    const qInfo = ledger.get("questions")?.info ?? {};
    if (questions.length === 0) {
      const why = qInfo.firstBad ?? qInfo.firstSkipped;
      throw new CodermError("E_BAD_INPUT", `no usable questions${why ? ` (first: ${why})` : ""}`, qFile);
    }
    progress.note(`${questions.length} questions`);
    const byId = new Map(questions.map((q) => [q.task_id, q]));
    checkStop();

    // generate: M tests per question from the teacher, extracted (rejections keep their reasons)
    const fpTests = fingerprint({ fpQuestions, m: config.m, teacher: config.teacher });
    let tests: UnitTestSample[];
    if (ledger.isDone("generate", fpTests) && existsSync(path("tests"))) {
      progress.begin("generate", true);
      tests = (await readJsonl(path("tests"), UnitTestSampleSchema, { strict: true })).records;
    } else {
      progress.begin("generate");
      const provider = await teacherProvider(config, questions);
      const embed = new Map(questions.map((q) => [q.task_id, q.canonical_solution.trimEnd()]));
      const g = await generateSamples({
        role: "tester",
        prompts: buildPrompts(questions, "tester", undefined, embed),
        n: config.m,
        model: config.teacher,
        cache: new ResponseCache(store),
        provider,
        signal: hooks.signal,
        onEvent: sampleProgress(questions.length * config.m, (d, t) => progress.update(d, t)),
      });
      tests = g.samples;
      await atomicJsonl(path("tests"), tests);
      if (g.failures.length > 0) {
        progress.note(
          `${g.failures.length} teacher samples failed after retries; rerun to ask for them again`,
        );
        ledger.mark("generate", fpTests, "started", { failed: g.failures.length });
      } else ledger.mark("generate", fpTests, "done", { tests: tests.length });
    }
    checkStop();

    // filter on the ground truth
    const gtPairs: PairInput[] = [];
    const filter: FilterRecord[] = [];
    for (const t of tests) {
      const base = { task_id: t.task_id, test: t.index };
      if (t.test === null) {
        const r = t.rejected ?? "rejected";
        const reason: DropReason = r.startsWith("duplicate")
          ? "duplicate"
          : r.startsWith("generation failed")
            ? "generation"
            : "invalid";
        filter.push({ ...base, kept: false, reason, detail: r });
        continue;
      }
      const d = describeTestClass(t.test);
      if (!d.ok || d.testCount === 0) {
        filter.push({ ...base, kept: false, reason: "invalid", detail: d.ok ? "no test methods" : d.reason });
        continue;
      }
      const q = byId.get(t.task_id)!;
      gtPairs.push({
        id: pairId({ task_id: t.task_id, solution: 0, test: t.index }),
        solution: q.canonical_solution,
        test: t.test,
        format: "unittest",
      });
    }
    const fpFilter = fingerprint({ fpTests, timeout: config.sandbox.timeout });
    const gt = await runCells(path("gtResults"), fpFilter, "filter", gtPairs);
    for (const p of gtPairs) {
      const r = gt.get(p.id)!;
      const cell = { task_id: r.task_id, test: r.test };
      if (r.passed) filter.push({ ...cell, kept: true });
      else
        filter.push({
          ...cell,
          kept: false,
          reason: dropReason(r.verdict),
          detail: r.stderr?.split("\n").slice(-3).join("\n"),
        });
    }
    filter.sort((a, b) => (a.task_id < b.task_id ? -1 : a.task_id > b.task_id ? 1 : a.test - b.test));
    await atomicJsonl(path("filter"), filter);
    const testText = new Map(tests.map((t) => [`${t.task_id}\u0000${t.index}`, t.test]));
    const kept = new Map<string, number[]>(questions.map((q) => [q.task_id, []]));
    for (const f of filter) if (f.kept) kept.get(f.task_id)?.push(f.test);
    const keptText = (task: string, j: number) => testText.get(`${task}\u0000${j}`) as string;
    checkStop();

    // weak solutions
    const fpWeak = fingerprint({ fpQuestions, n: config.nWeak, weak: config.weak });
    let weak: SolutionSample[];
    if (ledger.isDone("weak", fpWeak) && existsSync(path("weak"))) {
      progress.begin("weak", true);
      weak = (await readJsonl(path("weak"), SolutionSampleSchema, { strict: true })).records;
    } else {
      progress.begin("weak");
      let failed = 0;
      let got = config.nWeak === 0 ? [] : await recordedWeak(config, questions);
      if (!got) {
        const g = await generateSamples({
          role: "policy",
          prompts: buildPrompts(
            questions.map(weakPromptProblem),
            "policy",
            questions.every((q) => q.question === undefined) ? "humaneval" : "livecodebench",
          ),
          n: config.nWeak,
          model: config.weak,
          cache: new ResponseCache(store),
          signal: hooks.signal,
          onEvent: sampleProgress(questions.length * config.nWeak, (d, t) => progress.update(d, t)),
        });
        got = g.samples;
        failed = g.failures.length;
      }
      weak = got.filter((s) => byId.has(s.task_id) && s.index < config.nWeak);
      await atomicJsonl(path("weak"), weak);
      if (failed > 0) ledger.mark("weak", fpWeak, "started", { failed });
      else ledger.mark("weak", fpWeak, "done", { weak: weak.length });
    }
    checkStop();

    // labels: the question's own tests where it has them, else agreement with the ground truth
    const fpLabels = fingerprint({ fpWeak, fpFilter, timeout: config.sandbox.timeout });
    const weakByTask = groupBy(weak);
    let labels: Label[];
    if (ledger.isDone("label", fpLabels) && existsSync(path("labels"))) {
      progress.begin("label", true);
      labels = (await readJsonl(path("labels"), LabelSchema, { strict: true })).records;
    } else {
      progress.begin("label");
      labels = [];
      const check = weak.filter((s) => byId.get(s.task_id)?.test?.includes("def check("));
      if (check.length > 0) {
        const sb = await getSandbox();
        labels.push(
          ...(await labelHumanEval(check, byId, { executor: sb.executor("labels") })).map((l) => ({
            ...l,
            details: `own tests (check): ${l.details ?? "passed"}`,
          })),
        );
      }
      const pairs: PairInput[] = [];
      const how = new Map<string, string>();
      for (const s of weak) {
        const q = byId.get(s.task_id)!;
        if (q.test?.includes("def check(")) continue;
        const oracle = oracleFor(
          q,
          kept.get(q.task_id)!.map((j) => keptText(q.task_id, j)),
        );
        if (!oracle) continue;
        how.set(s.task_id, oracle.how);
        const id = pairId({ task_id: s.task_id, solution: s.index, test: 0 });
        if (s.solution === null) continue;
        pairs.push({ id, solution: s.solution, test: oracle.test, format: "unittest" });
      }
      const res = await runCells(join(dir, "label-results.jsonl"), fpLabels, "label-pairs", pairs);
      for (const s of weak) {
        const m = how.get(s.task_id);
        if (!m) continue;
        const r = res.get(pairId({ task_id: s.task_id, solution: s.index, test: 0 }));
        const ok = r?.passed === true;
        labels.push({
          task_id: s.task_id,
          index: s.index,
          base_status: ok ? "pass" : "fail",
          correct: ok,
          details: `${m}: ${r?.verdict ?? "no solution"}`,
        });
      }
      labels.sort((a, b) => (a.task_id < b.task_id ? -1 : a.task_id > b.task_id ? 1 : a.index - b.index));
      await atomicJsonl(path("labels"), labels);
      ledger.mark("label", fpLabels, "done", { labels: labels.length });
    }
    const labelOf = new Map(labels.map((l) => [`${l.task_id}\u0000${l.index}`, l.correct]));
    checkStop();

    // execute: labelled weak solutions × kept tests
    const weakPairs: PairInput[] = [];
    for (const q of questions) {
      for (const s of weakByTask.get(q.task_id) ?? []) {
        if (s.solution === null || !labelOf.has(`${q.task_id}\u0000${s.index}`)) continue;
        for (const j of kept.get(q.task_id)!)
          weakPairs.push({
            id: pairId({ task_id: q.task_id, solution: s.index, test: j }),
            solution: s.solution,
            test: keptText(q.task_id, j),
            format: "unittest",
          });
      }
    }
    const fpExec = fingerprint({ fpLabels, fpFilter });
    const weakRes = await runCells(path("weakResults"), fpExec, "execute", weakPairs);
    checkStop();

    // mutants of the ground truth × kept tests, then probes for the survivors
    const mutants = new Map<string, Mutant[]>();
    const mutantStats: Record<
      string,
      { proposed: number; uncompilable: number; duplicate: number; valid: number }
    > = {};
    for (const q of questions) {
      const set = generateMutants(q.canonical_solution, {
        max: config.mutants,
        seed: `${config.seed}:${q.task_id}`,
        operators: config.operators,
      });
      mutants.set(q.task_id, config.mutants === 0 ? [] : set.mutants);
      mutantStats[q.task_id] = set.stats;
    }
    const mutPairs: PairInput[] = [];
    for (const q of questions)
      mutants.get(q.task_id)!.forEach((mu, i) => {
        for (const j of kept.get(q.task_id)!)
          mutPairs.push({
            id: pairId({ task_id: q.task_id, solution: i, test: j }),
            solution: mu.code,
            test: keptText(q.task_id, j),
            format: "unittest",
          });
      });
    const fpMut = fingerprint({
      fpFilter,
      mutants: config.mutants,
      seed: config.seed,
      operators: config.operators,
    });
    const mutRes = await runCells(path("mutantResults"), fpMut, "mutate", mutPairs);
    const probePairs: PairInput[] = [];
    const probes = new Map<string, string[]>();
    for (const q of questions) {
      const list = probeTests(
        q,
        kept.get(q.task_id)!.map((j) => keptText(q.task_id, j)),
      );
      probes.set(q.task_id, list);
      mutants.get(q.task_id)!.forEach((mu, i) => {
        const survived = kept
          .get(q.task_id)!
          .every((j) => mutRes.get(pairId({ task_id: q.task_id, solution: i, test: j }))?.passed);
        if (!survived) return;
        list.forEach((test, k) => {
          probePairs.push({
            id: pairId({ task_id: q.task_id, solution: i, test: k }),
            solution: mu.code,
            test,
            format: "unittest",
          });
        });
      });
    }
    const probeRes = await runCells(path("probeResults"), fingerprint({ fpMut }), "probe", probePairs);
    const mutantRecords: MutantRecord[] = [];
    for (const q of questions)
      mutants.get(q.task_id)!.forEach((mu, i) => {
        const killedBy = kept
          .get(q.task_id)!
          .filter((j) => !mutRes.get(pairId({ task_id: q.task_id, solution: i, test: j }))?.passed);
        const list = probes.get(q.task_id)!;
        let equivalent: boolean | null = false;
        if (killedBy.length === 0)
          equivalent =
            list.length === 0
              ? null
              : list.every(
                  (_, k) => probeRes.get(pairId({ task_id: q.task_id, solution: i, test: k }))?.passed,
                );
        mutantRecords.push({ task_id: q.task_id, index: i, ...mu, killed_by: killedBy, equivalent });
      });
    await atomicJsonl(path("mutants"), mutantRecords);
    checkStop();

    // score and filter
    progress.begin("score");
    const scores: TestScore[] = [];
    const matrices = new Map<string, PassMatrix>();
    const evalLabels: Label[] = [];
    for (const q of questions) {
      const cols = kept.get(q.task_id)!;
      const rows = (weakByTask.get(q.task_id) ?? []).filter((s) =>
        labelOf.has(`${q.task_id}\u0000${s.index}`),
      );
      const m = new PassMatrix(rows.length, cols.length);
      rows.forEach((s, i) => {
        cols.forEach((j, k) => {
          const r = weakRes.get(pairId({ task_id: q.task_id, solution: s.index, test: j }));
          m.set(i, k, r?.passed === true);
        });
      });
      const lab = rows.map((s) => labelOf.get(`${q.task_id}\u0000${s.index}`) === true);
      rows.forEach((s, i) => {
        evalLabels.push({
          task_id: q.task_id,
          index: i,
          base_status: lab[i] ? "pass" : "fail",
          correct: lab[i]!,
          details: `weak solution ${s.index}`,
        });
      });
      matrices.set(q.task_id, m);
      const ms = mutantRecords.filter((x) => x.task_id === q.task_id);
      const equivalent = ms.filter((x) => x.equivalent === true).length;
      cols.forEach((j, k) => {
        const quality = columnQuality(m, k, lab);
        const text = keptText(q.task_id, j);
        const killed = ms.filter((x) => x.killed_by.includes(j)).length;
        const tally = { mutants: ms.length, killed, equivalent };
        scores.push({
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
    applyFilters(scores, config.filters);
    await atomicJsonl(path("scores"), scores);
    await writePassMatrices(path("evalMatrix"), matrices);
    await atomicJsonl(path("evalLabels"), evalLabels);
    await atomicJsonl(
      path("evalProblems"),
      questions.map((q) => ({ task_id: q.task_id, prompt: q.prompt, entry_point: q.entry_point })),
    );

    // export
    progress.begin("export");
    const selected = groupBy(scores.filter((s) => s.selected));
    const items: ExportItem[] = questions
      .filter((q) => (selected.get(q.task_id)?.length ?? 0) > 0)
      .map((q) => ({
        question: q,
        tests: selected.get(q.task_id)!.map((s) => ({
          ut_id: s.test,
          code: keptText(q.task_id, s.test),
          far: s.far,
          frr: s.frr,
          mutation_score: s.mutation_score,
        })),
        solutions: (weakByTask.get(q.task_id) ?? [])
          .filter((s) => s.solution !== null)
          .map((s) => ({
            sol_id: s.index,
            code: s.solution as string,
            correct: labelOf.get(`${q.task_id}\u0000${s.index}`) ?? null,
          })),
      }));
    const exportFiles = await writeExports(join(dir, SYNTH_FILES.exportDir), items);

    // report
    progress.begin("report");
    const summary = summarize({
      config,
      questions,
      questionInfo: qInfo,
      tests,
      filter,
      scores,
      matrices,
      evalLabels,
      mutants: mutantRecords,
      mutantStats,
      labels,
      notes,
      keptText,
    });
    atomicText(path("summary"), `${JSON.stringify(summary, null, 2)}\n`);
    writeSynthReport(summary, path("reportMd"), path("reportHtml"));
    progress.end();
    const files: Record<string, string> = Object.fromEntries(
      Object.entries(SYNTH_FILES).map(([k, f]) => [k, join(dir, f)]),
    );
    return { dir, summary, files: { ...files, ...exportFiles } };
  } finally {
    progress.end();
    await sandbox?.close();
    store.close();
  }
}

function countBy(xs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

/**
 * The weak model's prompt: HumanEval-style questions keep their benchmark prompt; free-text questions get
 * LiveCodeBench's generic prompt with the ground truth's signature as starter code, so weak solutions
 * define the function the tests call.
 */
/** Generation events → (samples done, total) for a progress display. */
function sampleProgress(total: number, update: (done: number, total: number) => void) {
  let done = 0;
  return (e: { type: string }) => {
    if (e.type === "sample") update(++done, total);
  };
}

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
function harvestedInputs(q: SynthQuestion, keptTests: readonly string[]): HarvestedCall[] {
  const fns = new Set(topLevelFunctions(q.canonical_solution));
  const calls = keptTests.flatMap((t) => harvestCalls(t, fns));
  return [...new Map(calls.map((c) => [c.call, c])).values()].slice(0, 100);
}

/** How weak solutions of `q` are labelled without its `check` tests: own cases, else agreement. */
function oracleFor(
  q: SynthQuestion,
  keptTests: readonly string[],
): { how: string; test: string } | undefined {
  if (q.io_tests)
    return {
      how: "own tests (input_output)",
      test: ioTestClass(q.entry_point, q.canonical_solution, q.io_tests),
    };
  const calls = harvestedInputs(q, keptTests);
  if (calls.length === 0) return undefined;
  return {
    how: `agreement with the ground truth on ${calls.length} inputs`,
    test: agreementTestClass(q.canonical_solution, calls),
  };
}

/** Probes for surviving mutants: agreement on the kept tests' inputs, and the question's own tests. */
function probeTests(q: SynthQuestion, keptTests: readonly string[]): string[] {
  const out: string[] = [];
  const calls = harvestedInputs(q, keptTests);
  if (calls.length > 0) out.push(agreementTestClass(q.canonical_solution, calls));
  if (q.io_tests) out.push(ioTestClass(q.entry_point, q.canonical_solution, q.io_tests));
  if (q.test?.includes("def check(")) out.push(checkTestClass(q.test, q.entry_point));
  return out;
}
