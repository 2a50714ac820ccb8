/**
 * The weak side of `synth()`: the weak model's solutions, their labels (the question's own tests, else
 * agreement with the ground truth), and every weak solution against every kept test.
 */
import { labelHumanEval } from "../evaluate/labels/index.js";
import { readJsonl, writeJsonl } from "../io/jsonl.js";
import { pairId } from "../matrix/pairs.js";
import { buildPrompts } from "../prompts/index.js";
import { type Label, LabelSchema, SolutionSampleSchema } from "../records.js";
import { generateSamples } from "../run/generate.js";
import type { Stage } from "../run/pipeline.js";
import type { PairInput } from "../sandbox/index.js";
import { ResponseCache } from "../store/index.js";
import { oracleFor } from "./oracles.js";
import type { SynthQuestion } from "./questions.js";
import { recordedWeak } from "./sources.js";
import {
  byTaskThen,
  keptTests,
  keptText,
  key,
  readResults,
  runMissing,
  SYNTH_FILES,
  type SynthState,
  sampleProgress,
} from "./state.js";

export const weak: Stage<SynthState> = {
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

export const label: Stage<SynthState> = {
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

export const execute: Stage<SynthState> = {
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
