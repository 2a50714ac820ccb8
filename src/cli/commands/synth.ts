/**
 * `coderm synth`: build CodeRM-UnitTest-style training data for a unit-test model (see src/synth/).
 * Rerunning the same command resumes where it stopped.
 */
import { defineCommand } from "citty";
import { parseSynthConfig } from "../../synth/config.js";
import { synth } from "../../synth/pipeline.js";
import { commandMeta } from "../command-list.js";
import { listFlag, modelArgs, numberFlag, sandboxArgs, sandboxFromFlags, untilStopped } from "../flags.js";
import { RunProgress } from "../progress.js";

const model = (args: Record<string, unknown>, role: "teacher" | "weak"): Record<string, unknown> => {
  const m: Record<string, unknown> = {};
  const s = (k: string) => (typeof args[k] === "string" ? (args[k] as string) : undefined);
  if (s(role)) m.model = s(role);
  if (s(`${role}-replay`)) m.replay = s(`${role}-replay`);
  const base = s(`${role}-base-url`) ?? s("base-url");
  if (base) m.baseUrl = base;
  if (s("api-key-env")) m.apiKeyEnv = s("api-key-env");
  const j = numberFlag(s("j"), "j", { int: true, positive: true });
  if (j !== undefined) m.concurrency = j;
  const retries = numberFlag(s("retries"), "retries", modelArgs.retries.range);
  if (retries !== undefined) m.retries = retries;
  const timeout = numberFlag(s("request-timeout"), "request-timeout", { positive: true });
  if (timeout !== undefined) m.timeout = timeout;
  return m;
};

export default defineCommand({
  meta: commandMeta("synth"),
  args: {
    questions: {
      type: "string",
      description:
        "questions file (.jsonl/.json/.parquet: CodeFeedback, TACO, CodeRM-UnitTest, {question, code}) or humaneval",
    },
    format: {
      type: "string",
      description: "auto | jsonl | codefeedback | taco | coderm-unittest (default auto)",
    },
    out: {
      type: "string",
      description: "output directory (every stage's file, the exports, report, store.sqlite)",
    },
    teacher: { type: "string", description: "teacher model name (on --base-url or --teacher-base-url)" },
    weak: { type: "string", description: "weak model name (on --base-url or --weak-base-url)" },
    "teacher-replay": {
      type: "string",
      description: "recorded teacher responses: CodeRM/responses file or CodeT directory",
    },
    "weak-replay": {
      type: "string",
      description: "recorded weak solutions: solutions file or CodeT directory",
    },
    ...modelArgs,
    "teacher-base-url": { type: "string", description: "a separate server for the teacher" },
    "weak-base-url": { type: "string", description: "a separate server for the weak model" },
    j: { type: "string", description: "requests in flight per model (default 8)" },
    "request-timeout": { type: "string", description: "seconds per request (default 600)" },
    store: { type: "string", description: "response cache (default <out>/store.sqlite)" },
    m: { type: "string", description: "unit tests per question (default 10)" },
    "n-weak": { type: "string", description: "weak solutions per question (default 10)" },
    mutants: { type: "string", description: "mutants of the ground truth per question (default 20)" },
    operators: {
      type: "string",
      description:
        "mutation operators (default all: comparison,boundary,arithmetic,logical,constant,return,delete)",
    },
    seed: { type: "string", description: "mutant sampling seed (default 0)" },
    "min-mutation-score": {
      type: "string",
      description: "drop tests that kill fewer of the non-equivalent mutants",
    },
    "max-far": { type: "string", description: "drop tests whose FAR on the weak solutions is higher" },
    "max-frr": { type: "string", description: "drop tests whose FRR on the weak solutions is higher" },
    "top-k": {
      type: "string",
      description: "keep at most K tests per question (best mutation score, then FAR, FRR)",
    },
    limit: { type: "string", description: "only the first K questions" },
    ...sandboxArgs,
    timeout: { ...sandboxArgs.timeout, description: "seconds per (program, test) pair (default 1)" },
    quiet: { type: "boolean", description: "no progress, only the final lines" },
    json: { type: "boolean", description: "JSON lines on stdout (progress events, then the result)" },
  },
  async run({ args }) {
    const num = (k: string, o: Parameters<typeof numberFlag>[2] = {}) =>
      numberFlag(args[k as keyof typeof args] as string | undefined, k, o);
    const config = parseSynthConfig({
      questions: args.questions,
      format: args.format,
      out: args.out,
      store: args.store,
      limit: num("limit", { int: true, positive: true }),
      teacher: model(args, "teacher"),
      weak: model(args, "weak"),
      m: num("m", { int: true, positive: true }),
      nWeak: num("n-weak", { int: true, min: 0 }),
      mutants: num("mutants", { int: true, min: 0 }),
      operators: listFlag(args.operators),
      seed: num("seed", { int: true }),
      filters: {
        minMutationScore: num("min-mutation-score", { min: 0 }),
        maxFar: num("max-far", { min: 0 }),
        maxFrr: num("max-frr", { min: 0 }),
        topK: num("top-k", { int: true, positive: true }),
      },
      sandbox: sandboxFromFlags(args),
    });
    const mode = args.json ? "json" : args.quiet ? "quiet" : "bar";
    const out = await untilStopped((signal) =>
      synth(config, { onEvent: new RunProgress(mode).onEvent, signal }),
    );
    const s = out.summary;
    if (mode === "json") {
      process.stdout.write(
        `${JSON.stringify({ event: "result", dir: out.dir, files: out.files, summary: s })}\n`,
      );
      return;
    }
    const q = s.quality.kept;
    const f = (x: number | null) => (x === null ? "—" : (x * 100).toFixed(2));
    process.stdout.write(
      `${s.counts.questions} questions: ${s.counts.generated} tests generated, ${s.counts.kept} kept, ${s.counts.selected} selected\n` +
        `kept tests: FAR ${f(q.individual.far)} FRR ${f(q.individual.frr)} (individual), FAR ${f(q.multiple.far)} FRR ${f(q.multiple.frr)} (multiple); ` +
        `mutation score ${f(s.mutation.suiteScore)} (${s.mutation.equivalent} of ${s.mutation.mutants} mutants estimated equivalent)\n` +
        `export: ${out.files.codermParquet}\n        ${out.files.sft}\nreport: ${out.files.reportHtml}\n`,
    );
  },
});
