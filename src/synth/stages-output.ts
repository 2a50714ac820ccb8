/**
 * The end of `synth()`: scores and filters per test, the exports, and the report.
 */
import { writeJsonl, writeTextAtomic } from "../io/jsonl.js";
import { pairId } from "../matrix/pairs.js";
import { PassMatrix } from "../matrix/pass-matrix.js";
import { writePassMatrices } from "../matrix/results-io.js";
import type { Stage } from "../run/pipeline.js";
import { type ExportItem, writeExports } from "./export.js";
import { writeSynthReport } from "./report.js";
import { applyFilters, columnQuality, finite, mutationScore } from "./score.js";
import { groupBy, keptText, key, SYNTH_FILES, type SynthState } from "./state.js";
import { summarize } from "./summary.js";

export const score: Stage<SynthState> = {
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

export const exportStage: Stage<SynthState> = {
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

export const report: Stage<SynthState> = {
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
