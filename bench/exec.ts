/**
 * Sandbox throughput and verdict parity against the reference executor, in one process tree, on the same
 * pairs: (a) bench/reference_exec.py (CodeRM's mechanism: a process per pair, 1 s alarm, pass =
 * wasSuccessful) and (b) coderm's Sandbox. Pairs come from the bundled CodeT slice (vendor/codet): each
 * CodeT test sample becomes one TestCase class with one method per assert case (CodeT's first 5 cases).
 * Prints pairs/s for both, the ratio, the agreement and every disagreement with its likely cause.
 * Usage: npm run bench:exec [-- --problems 4 --solutions 8 --tests 16 --limit 1000 --workers 2 --mp-num 2 --parity]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assertsToUnittest, extractAssertCases, initPython, truncateSolution } from "../src/extract/index.js";
import { type PairInput, type PairOutcome, Sandbox } from "../src/sandbox/index.js";

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const flag = (name: string) => process.argv.includes(`--${name}`);
const PROBLEMS = arg("problems", 4);
const SOLUTIONS = arg("solutions", 8);
const TESTS = arg("tests", 16);
const LIMIT = arg("limit", 1000);
const WORKERS = arg("workers", availableParallelism());
const MP_NUM = arg("mp-num", availableParallelism());
const PARITY = flag("parity");
const BORDER_MS = 700;

const vendor = fileURLToPath(new URL("../vendor/codet/", import.meta.url));
const jsonl = <T>(f: string): T[] =>
  readFileSync(join(vendor, f), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
const RUNNER = (cls: string) =>
  `\nsuite = unittest.TestLoader().loadTestsFromTestCase(${cls})\nrunner = unittest.TextTestRunner(stream=output, verbosity=2)\nresult = runner.run(suite)\nlocals_dict['result'] = result\n`;

await initPython();
const tasks = jsonl<{ task_id: string; prompt: string; entry_point: string }>(
  "HumanEval_for_code_generation.jsonl",
);
const sols = jsonl<{ prompt: string; samples: string[] }>(
  "HumanEval_codegen16B_temp0.8_topp0.95_num100_max300_code_solution.jsonl",
);
const tests = jsonl<{ prompt: string; samples: string[] }>(
  "HumanEval_codegen16B_temp0.8_topp0.95_num100_max300_test_case.jsonl",
);

// The three files are not in the same order: match solutions by prompt, test samples by the entry point
// their prompt names ("# check the correctness of <entry_point>").
const solsByPrompt = new Map(sols.map((s) => [s.prompt, s]));
const testsByEntry = new Map(
  tests.map((t) => [/# check the correctness of (\w+)/.exec(t.prompt)?.[1] ?? "", t]),
);
const pairs: PairInput[] = [];
const programs: { id: string; code: string }[] = [];
for (let t = 0; t < Math.min(PROBLEMS, tasks.length) && pairs.length < LIMIT; t++) {
  const task = tasks[t]!;
  const sol = solsByPrompt.get(task.prompt);
  const tst = testsByEntry.get(task.entry_point);
  if (!sol || !tst) throw new Error(`vendor/codet: no solutions or tests for ${task.task_id}`);
  const solutions = sol.samples.slice(0, SOLUTIONS).map((s) => task.prompt + truncateSolution(s));
  const classes: string[] = [];
  for (const sample of tst.samples) {
    if (classes.length >= TESTS) break;
    const { cases } = extractAssertCases(sample, task.entry_point);
    if (cases.length === 0) continue;
    try {
      classes.push(assertsToUnittest(cases));
    } catch {
      // a case that does not compile as a method body: CodeT would drop it too
    }
  }
  for (let i = 0; i < solutions.length && pairs.length < LIMIT; i++)
    for (let j = 0; j < classes.length && pairs.length < LIMIT; j++) {
      const id = `${task.task_id}/${i}/${j}`;
      pairs.push({ id, solution: solutions[i]!, test: classes[j]!, format: "unittest" });
      programs.push({ id, code: `${solutions[i]!}\n\n${classes[j]!.trimEnd()}\n${RUNNER("TestAsserts")}` });
    }
}
const unique = new Set(pairs.map((p) => `${p.solution}\0${p.test}`)).size;
console.log(
  `bench:exec — ${pairs.length} pairs (${unique} distinct) from ${PROBLEMS} CodeT problems, ` +
    `${SOLUTIONS} solutions × ${TESTS} tests; load ${readFileSync("/proc/loadavg", "utf8").split(" ")[0]}`,
);

// (a) the reference mechanism
const dir = mkdtempSync(join(tmpdir(), "coderm-bench-exec-"));
writeFileSync(join(dir, "in.jsonl"), programs.map((p) => JSON.stringify(p)).join("\n"));
const script = fileURLToPath(new URL("./reference_exec.py", import.meta.url));
let t0 = performance.now();
execFileSync(
  "/usr/bin/python3",
  [
    script,
    "--input_path",
    join(dir, "in.jsonl"),
    "--output_path",
    join(dir, "out.jsonl"),
    "--mp_num",
    String(MP_NUM),
  ],
  { stdio: ["ignore", "ignore", "inherit"] },
);
const refSec = (performance.now() - t0) / 1000;
const ref = new Map<string, { result: string; details: { ms: number; total_num: number } }>();
for (const l of readFileSync(join(dir, "out.jsonl"), "utf8").split("\n"))
  if (l.trim()) {
    const r = JSON.parse(l);
    ref.set(r.id, r);
  }
rmSync(dir, { recursive: true, force: true });
console.log(
  `reference (mp.Process per pair, ${MP_NUM} pool workers): ${refSec.toFixed(1)} s, ${(pairs.length / refSec).toFixed(1)} pairs/s`,
);

// (b) coderm
t0 = performance.now();
const sb = await Sandbox.start({ workers: WORKERS, parity: PARITY, details: true });
const startSec = (performance.now() - t0) / 1000;
t0 = performance.now();
const ours = new Map<string, PairOutcome>();
for await (const o of sb.run(pairs)) ours.set(o.id, o);
const oursSec = (performance.now() - t0) / 1000;
console.log(
  `coderm (${WORKERS} workers, ${PARITY ? "parity: fork per pair" : "batched"}, isolation ${sb.isolation.level}): ` +
    `${oursSec.toFixed(1)} s (+${startSec.toFixed(2)} s start), ${(pairs.length / oursSec).toFixed(1)} pairs/s`,
);

// Agreement, and every disagreement with its likely cause
const disagree: string[] = [];
let agree = 0;
let borderline = 0;
const recheck: PairInput[] = [];
for (const p of pairs) {
  const r = ref.get(p.id);
  const o = ours.get(p.id)!;
  const refPass = r?.result === "pass";
  if (refPass === o.passed) {
    agree++;
    continue;
  }
  recheck.push(p);
}
const parity = new Map<string, PairOutcome>();
if (recheck.length > 0) {
  const pb = await Sandbox.start({ workers: 1, parity: true, details: true });
  for await (const o of pb.run(recheck)) parity.set(o.id, o);
  await pb.close();
}
for (const p of recheck) {
  const r = ref.get(p.id);
  const o = ours.get(p.id)!;
  const slow =
    (r?.details.ms ?? 0) > BORDER_MS || o.verdict === "timeout" || (o.duration_ms ?? 0) > BORDER_MS;
  let why: string;
  if (!r) why = "reference lost the pair";
  else if (slow)
    why = `borderline timing (reference ${r.details.ms} ms, coderm ${o.duration_ms} ms, limit 1 s)`;
  else if (parity.get(p.id)?.passed !== o.passed)
    why = "batched and per-pair runs disagree: state leak (a bug)";
  else if (r.details.total_num === -1) why = "reference child died or timed out before reporting";
  else why = `coderm ${o.verdict}: ${(o.stderr ?? "").split("\n")[0]}`;
  if (slow) borderline++;
  disagree.push(`  ${p.id}: reference ${r?.result}, coderm ${o.verdict} — ${why}`);
}
await sb.close();
const ratio = pairs.length / oursSec / (pairs.length / refSec);
console.log(`speed-up: ${ratio.toFixed(1)}× (goal ≥ 20×)`);
console.log(
  `agreement: ${agree}/${pairs.length} (${((100 * agree) / pairs.length).toFixed(2)}%); ` +
    `${disagree.length} disagreements, ${borderline} of them borderline timing`,
);
for (const d of disagree) console.log(d);
if (flag("verbose")) {
  const counts = new Map<string, { n: number; ms: number }>();
  for (const o of ours.values()) {
    const c = counts.get(o.verdict) ?? { n: 0, ms: 0 };
    c.n++;
    c.ms += o.duration_ms ?? 0;
    counts.set(o.verdict, c);
  }
  for (const [v, c] of counts) console.log(`  ${v}: ${c.n} pairs, mean ${(c.ms / c.n).toFixed(1)} ms`);
}
