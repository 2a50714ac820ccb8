/**
 * `npm run repro:codet [-- --data DIR] [--out DIR] [--workers N]`: reproduce CodeT's HumanEval result for
 * CodeGen-Mono-16B from its released generations (DIR/codet, default `CODERM_DATA` or ../shared/data),
 * with CodeT's settings: solutions truncated at its stop words, ground truth from HumanEval's
 * `check(candidate)` under 0.1 s, the first 5 assert cases of each test sample, 0.1 s per case, distinct
 * solutions and cases run once. Prints pass@1/2/10 for a random sample, CodeT's selection and the CodeRM
 * vote beside CodeT's published numbers, then one JSON line. `--out DIR` saves labels.jsonl and
 * matrices.jsonl (solutions x test samples; a cell passes when every case of the sample passes).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import {
  checkPrograms,
  codetRank,
  codetTaskPassAtK,
  estimatePassAtK,
  runCodetCases,
} from "../src/evaluate/labels/index.js";
import { credit } from "../src/evaluate/metrics/credit.js";
import { extractAssertCases, initPython, truncateSolution } from "../src/extract/index.js";
import { PassMatrix } from "../src/matrix/pass-matrix.js";
import { writePassMatrices } from "../src/matrix/results-io.js";
import { CODET_FILES, readCodetSolutions, readCodetTasks, readCodetTests } from "../src/problems/codet.js";
import type { Label } from "../src/records.js";
import { Sandbox } from "../src/sandbox/index.js";
import { select } from "../src/select/index.js";

const started = performance.now();
const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const root =
  flag("--data") ?? process.env.CODERM_DATA ?? join(import.meta.dirname, "..", "..", "shared", "data");
const dir = join(root, "codet");
const outDir = flag("--out");
const workers = Number(flag("--workers") ?? availableParallelism());
// CodeT's 0.1 s limits were met on an idle machine; counting CPU time keeps labels stable under load.
const clock = (flag("--clock") ?? "cpu") as "cpu" | "wall";
const log = (s: string) => process.stderr.write(`${s}\n`);

await initPython();
const solTasks = await readCodetTasks(join(dir, CODET_FILES.solutionTasks), { strict: true });
const testTasks = await readCodetTasks(join(dir, CODET_FILES.testTasks), { strict: true });
const entry = new Map(testTasks.records.map((p) => [p.task_id, p.entry_point]));
const solutions = await readCodetSolutions(
  join(dir, CODET_FILES.solutions),
  join(dir, CODET_FILES.solutionTasks),
  {
    strict: true,
    extract: (raw) => ({ text: truncateSolution(raw) }),
  },
);
const tests = await readCodetTests(join(dir, CODET_FILES.tests), join(dir, CODET_FILES.testTasks), {
  strict: true,
  extractCases: (raw, taskId) => ({ cases: extractAssertCases(raw, entry.get(taskId) ?? "").cases }),
});

const distinct = (xs: string[]) => [...new Set(xs)];

interface Task {
  id: string;
  prompt: string;
  /** prompt + truncated completion per sample, sample order. */
  samples: string[];
  caseSamples: string[][];
  caseOrder: string[];
  test: string;
  entryPoint: string;
}
const tasks = new Map<string, Task>();
for (const p of solTasks.records) {
  tasks.set(p.task_id, {
    id: p.task_id,
    prompt: p.prompt,
    samples: [],
    caseSamples: [],
    caseOrder: [],
    test: p.test ?? "",
    entryPoint: p.entry_point,
  });
}
for (const s of solutions.records) tasks.get(s.task_id)?.samples.push(s.solution ?? s.response ?? "");
for (const t of tests.records) tasks.get(t.task_id)?.caseSamples.push(t.cases ?? []);
for (const t of tasks.values()) {
  // CodeT: a row without samples still gets one (failing) solution.
  if (t.samples.length === 0) t.samples.push(`${t.prompt}empty solution here, execution will fail`);
  t.caseOrder = distinct(t.caseSamples.flat());
}
const nPrograms = [...tasks.values()].reduce((s, t) => s + distinct(t.samples).length, 0);
log(
  `repro:codet: ${tasks.size} tasks, ${solutions.records.length} solutions (${nPrograms} distinct), data ${dir}`,
);

// The sandbox pool is coderm's one process pool; its labels kind runs CodeT's cases.
const executor = (await Sandbox.start({ workers })).executor("labels");
let t0 = performance.now();
let done = 0;
const gt = await checkPrograms(
  [...tasks.values()].map((t) => ({
    key: t.id,
    solutions: distinct(t.samples),
    test: t.test,
    entryPoint: t.entryPoint,
    prompt: t.prompt,
  })),
  {
    executor,
    timeout: 0.1,
    clock,
    onDone: () => void (++done % 20 === 0 && log(`  ground truth: ${done}/${tasks.size} tasks`)),
  },
);
const gtSeconds = (performance.now() - t0) / 1000;
log(`ground truth: ${gtSeconds.toFixed(1)} s`);
t0 = performance.now();
done = 0;
const dual = await runCodetCases(
  [...tasks.values()].map((t) => ({ key: t.id, programs: distinct(t.samples), cases: t.caseOrder })),
  {
    executor,
    timeout: 0.1,
    clock,
    onDone: () => void (++done % 20 === 0 && log(`  dual execution: ${done}/${tasks.size} tasks`)),
  },
);
const dualSeconds = (performance.now() - t0) / 1000;
log(`dual execution: ${dualSeconds.toFixed(1)} s`);
await executor.close();

const ks = [1, 2, 10, 100];
const random: Record<number, number[]> = { 1: [], 2: [], 10: [], 100: [] };
const codet: Record<number, number[]> = { 1: [], 2: [], 10: [], 100: [] };
const vote: number[] = [];
const labels: Label[] = [];
const matrices = new Map<string, PassMatrix>();
for (const t of tasks.values()) {
  const uniq = distinct(t.samples);
  const outcomes = gt.get(t.id) ?? [];
  const correct = new Map(uniq.map((s, i) => [s, outcomes[i]?.passed === true]));
  const c = t.samples.filter((s) => correct.get(s)).length;
  for (const k of ks) random[k]?.push(estimatePassAtK(t.samples.length, c, k));
  const runs = new Map<string, boolean[] | string>();
  const dualRuns = dual.get(t.id);
  if (dualRuns) for (const [i, s] of uniq.entries()) runs.set(s, dualRuns[i] as boolean[] | string);
  const ranked = codetRank({
    completions: t.samples,
    caseSamples: t.caseSamples,
    caseOrder: t.caseOrder,
    runs,
  });
  for (const k of ks) codet[k]?.push(codetTaskPassAtK(ranked, correct, t.samples, k));
  // CodeRM vote over test samples (a sample is a unit test; one without cases is dropped).
  const caseIndex = new Map(t.caseOrder.map((cs, i) => [cs, i]));
  const usable = t.caseSamples.filter((cs) => cs.length > 0);
  const m = new PassMatrix(t.samples.length, usable.length);
  t.samples.forEach((s, i) => {
    const run = runs.get(s);
    usable.forEach((cs, j) => {
      m.set(i, j, Array.isArray(run) && cs.every((x) => run[caseIndex.get(x) as number] === true));
    });
  });
  matrices.set(t.id, m);
  const right = t.samples.map((s) => correct.get(s) === true);
  vote.push(credit(select("coderm-vote", m), right));
  for (const [index, s] of t.samples.entries()) {
    const ok = correct.get(s) === true;
    labels.push({ task_id: t.id, index, base_status: ok ? "pass" : "fail", correct: ok });
  }
}
const mean = (xs: number[] = []) => (100 * xs.reduce((a, b) => a + b, 0)) / Math.max(1, xs.length);
const seconds = (performance.now() - started) / 1000;
const row = (name: string, v: (k: number) => string) =>
  `${name.padEnd(34)}${[1, 2, 10].map((k) => v(k).padStart(9)).join("")}`;
console.log(row("HumanEval, CodeGen-16B", (k) => `pass@${k}`));
console.log(row("random sample (coderm)", (k) => mean(random[k]).toFixed(2)));
console.log(row("random sample (CodeT's code)", (k) => ({ 1: "22.12", 2: "-", 10: "50.38" })[k] ?? "-"));
console.log(row("CodeT selection (coderm)", (k) => mean(codet[k]).toFixed(2)));
console.log(
  row("CodeT selection (CodeT's code)", (k) => ({ 1: "36.75", 2: "44.74", 10: "59.36" })[k] ?? "-"),
);
console.log(row("CodeRM vote (coderm)", (k) => (k === 1 ? mean(vote).toFixed(2) : "-")));
console.log(
  `wall time ${seconds.toFixed(1)} s (ground truth ${gtSeconds.toFixed(1)} s, dual execution ${dualSeconds.toFixed(1)} s; CodeT's code: 61 min)`,
);
if (outDir) {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "labels.jsonl"), labels.map((l) => `${JSON.stringify(l)}\n`).join(""));
  await writePassMatrices(join(outDir, "matrices.jsonl"), matrices);
  log(`saved ${join(outDir, "labels.jsonl")} and ${join(outDir, "matrices.jsonl")}`);
}
console.log(
  JSON.stringify({
    baseline_pass1: mean(random[1]),
    baseline_pass10: mean(random[10]),
    codet_pass1: mean(codet[1]),
    codet_pass2: mean(codet[2]),
    codet_pass10: mean(codet[10]),
    coderm_vote_pass1: mean(vote),
    tasks: tasks.size,
    clock,
    seconds,
    ground_truth_seconds: gtSeconds,
    dual_execution_seconds: dualSeconds,
  }),
);
