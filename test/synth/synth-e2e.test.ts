/**
 * `coderm synth` end to end on real data: HumanEval problems with their canonical solutions as ground truth,
 * CodeT's released CodeGen-16B test samples (first five assert cases each, as unittest classes) replayed as
 * the teacher, CodeT's CodeGen-16B solutions as the weak samples, labelled by HumanEval's own tests.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initPython } from "../../src/extract/index.js";
import { execute } from "../../src/sandbox/index.js";
import { parseSynthConfig } from "../../src/synth/config.js";
import { synthPrompt } from "../../src/synth/export.js";
import { type SynthOutput, synth } from "../../src/synth/pipeline.js";
import { readQuestions } from "../../src/synth/questions.js";

const ROOT = resolve(import.meta.dirname, "../..");
const CLI = [join(ROOT, "node_modules/tsx/dist/cli.mjs"), join(ROOT, "src/cli/main.ts")];
const jsonl = (file: string) =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));

let out: SynthOutput;
let dir: string;
const base = {
  questions: "humaneval",
  limit: 10,
  teacher: { replay: "vendor/codet" },
  weak: { replay: "vendor/codet" },
  m: 100,
  nWeak: 10,
  mutants: 6,
};

beforeAll(async () => {
  await initPython();
  dir = mkdtempSync(join(tmpdir(), "synth-e2e-"));
  out = await synth(parseSynthConfig({ ...base, out: dir }));
}, 240_000);

describe("coderm synth on HumanEval with CodeT's CodeGen-16B tests and solutions", () => {
  it("counts every generated test as kept or dropped with a reason", () => {
    const c = out.summary.counts;
    expect(c.questions).toBe(10);
    expect(c.generated).toBe(1000);
    const dropped = Object.values(c.dropped).reduce((a, b) => a + b, 0);
    expect(c.kept + dropped).toBe(1000);
    expect(c.kept).toBeGreaterThan(5);
    expect(c.dropped.invalid).toBeGreaterThan(0);
    expect(c.dropped.fail).toBeGreaterThan(0);
    expect(out.summary.weak.labelled).toBe(100);
    expect(out.summary.weak.byMethod["own tests (check)"]).toBe(100);
  });

  it("the kept set passes the canonical solution (rerun independently in the sandbox)", async () => {
    const questions = new Map(jsonl(join(dir, "questions.jsonl")).map((q) => [q.task_id, q]));
    const exported = (await readQuestions(out.files.codermJsonl!)).questions;
    const pairs = exported.flatMap((q) =>
      (q.unit_tests ?? []).map((t) => ({
        id: `${q.task_id}:${t.ut_id}`,
        solution: questions.get(q.task_id).canonical_solution as string,
        test: t.code,
        format: "unittest" as const,
      })),
    );
    expect(pairs.length).toBe(out.summary.counts.selected);
    const outcomes = await execute(pairs, { workers: 2 });
    expect(outcomes.filter((o) => !o.passed)).toEqual([]);
    // ...and nothing that failed it was kept.
    const failedGt = jsonl(join(dir, "ground-truth-results.jsonl")).filter((r) => !r.passed);
    const kept = new Set(pairs.map((p) => p.id));
    for (const r of failedGt) expect(kept.has(`${r.task_id}:${r.test}`)).toBe(false);
  });

  it("reports the FAR/FRR that `coderm eval` computes on the same matrix", () => {
    const evalDir = join(dir, "eval-report");
    const r = spawnSync(
      process.execPath,
      [
        ...CLI,
        "eval",
        "--matrix",
        join(dir, "eval/matrix.jsonl"),
        "--labels",
        join(dir, "eval/labels.jsonl"),
        "--problems",
        join(dir, "eval/problems.jsonl"),
        "--samples",
        "1",
        "--out",
        evalDir,
        "--format",
        "json",
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    const evalSummary = JSON.parse(readFileSync(join(evalDir, "summary.json"), "utf8"));
    const q = out.summary.quality.kept;
    for (const kind of ["individual", "multiple"] as const) {
      const e = evalSummary.test_quality[kind];
      expect({ far: q[kind].far, frr: q[kind].frr, acc: q[kind].acc, f1: q[kind].f1 }).toEqual({
        far: e.far,
        frr: e.frr,
        acc: e.accuracy,
        f1: e.f1,
      });
      expect(q[kind].counts).toEqual({ tp: e.tp, fp: e.fp, tn: e.tn, fn: e.fn });
    }
    expect(q.individual.far).not.toBeNull();
  });

  it("exports round-trip through the CodeRM-UnitTest reader (JSONL and parquet) and match the SFT file", async () => {
    const scores = jsonl(join(dir, "scores.jsonl")).filter((s) => s.selected);
    const tests = new Map(jsonl(join(dir, "tests.jsonl")).map((t) => [`${t.task_id}:${t.index}`, t.test]));
    const sft = jsonl(out.files.sft!);
    for (const file of [out.files.codermJsonl!, out.files.codermParquet!]) {
      const back = await readQuestions(file);
      expect(back.format).toBe("coderm-unittest");
      expect(back.bad).toEqual([]);
      const got = back.questions.flatMap((q) => (q.unit_tests ?? []).map((t) => `${q.task_id}:${t.ut_id}`));
      expect(got).toEqual(scores.map((s) => `${s.task_id}:${s.test}`));
      let k = 0;
      for (const q of back.questions) {
        for (const t of q.unit_tests ?? []) {
          expect(t.code).toBe(tests.get(`${q.task_id}:${t.ut_id}`));
          // The re-read question rebuilds the exact prompt the SFT file trains on.
          expect(sft[k].messages[0].content).toBe(synthPrompt(q));
          expect(sft[k].messages[1].content).toBe(`\`\`\`python\n${t.code}\n\`\`\``);
          k++;
        }
        expect(q.weak?.length).toBe(10);
      }
      expect(k).toBe(sft.length);
    }
  });

  it("scores mutants per test and estimates equivalent ones", () => {
    const m = out.summary.mutation;
    expect(m.mutants).toBeGreaterThan(30);
    expect(m.killed).toBeGreaterThan(0);
    expect(m.killed + m.equivalent + m.unknown).toBeLessThanOrEqual(m.mutants);
    const mutants = jsonl(join(dir, "mutants.jsonl"));
    for (const x of mutants) if (x.equivalent === true) expect(x.killed_by).toEqual([]);
    const scores = jsonl(join(dir, "scores.jsonl"));
    for (const s of scores) {
      const ms = mutants.filter((x) => x.task_id === s.task_id);
      const killed = ms.filter((x) => x.killed_by.includes(s.test)).length;
      const live = ms.length - ms.filter((x) => x.equivalent === true).length;
      expect(s.mutation_score).toBe(live > 0 ? killed / live : null);
    }
    const html = readFileSync(out.files.reportHtml!, "utf8");
    for (const id of ["far", "frr", "mutation", "lines"]) expect(html).toContain(`id="${id}"`);
  });

  it("filters are applied and recorded in the scores, the summary and the selected-set quality", async () => {
    const again = await synth(parseSynthConfig({ ...base, out: dir, filters: { maxFar: 0.2, topK: 2 } }));
    const scores = jsonl(join(dir, "scores.jsonl"));
    for (const s of scores) {
      if (s.far !== null && s.far > 0.2) expect(s.filtered).toMatch(/^FAR/);
      if (s.selected) expect(s.far === null || s.far <= 0.2).toBe(true);
    }
    const perTask = new Map<string, number>();
    for (const s of scores.filter((x) => x.selected))
      perTask.set(s.task_id, (perTask.get(s.task_id) ?? 0) + 1);
    for (const n of perTask.values()) expect(n).toBeLessThanOrEqual(2);
    expect(again.summary.filters).toEqual({ maxFar: 0.2, topK: 2 });
    expect(again.summary.counts.selected).toBe(scores.filter((x) => x.selected).length);
    expect(again.summary.quality.selected).not.toBeNull();
  }, 120_000);
});
