/**
 * Parity and speed of CodeT assert-case extraction against CodeT's own Python post-processing
 * (`test/oracles/codet_postprocess.py`, CPython `compile()`), on CodeT's released CodeGen-16B test
 * samples. Usage: `npm run bench:extract-codet [-- --data DIR]` (default: vendor/, HumanEval/0–19;
 * `--data /work/shared/data` or CODERM_DATA for all 164 tasks). Prints agreement and a speed ratio
 * against the Python oracle measured in the same run.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { extractAssertCases, initPython, truncateSolution } from "../src/extract/index.js";

const args = process.argv.slice(2);
const dataFlag = args.indexOf("--data");
const root =
  dataFlag >= 0 ? (args[dataFlag + 1] ?? "") : process.env.CODERM_DATA ? process.env.CODERM_DATA : "vendor";
const dir = join(root, "codet");

interface Row {
  prompt: string;
  samples: string[];
}
const lines = (file: string) =>
  readFileSync(join(dir, file), "utf8")
    .split("\n")
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l));

const tasks = new Map<string, string>(
  lines("HumanEval_for_test_case_generation.jsonl").map((t: { prompt: string; entry_point: string }) => [
    t.prompt,
    t.entry_point,
  ]),
);
const rows: Row[] = lines("HumanEval_codegen16B_temp0.8_topp0.95_num100_max300_test_case.jsonl");
const solRows: Row[] = lines("HumanEval_codegen16B_temp0.8_topp0.95_num100_max300_code_solution.jsonl");
const jobs: { sample: string; entry_point: string; completion?: string }[] = [];
rows.forEach((row, r) => {
  const entryPoint = tasks.get(row.prompt);
  if (entryPoint === undefined) throw new Error(`${dir}: test-case row ${r + 1} matches no task prompt`);
  row.samples.forEach((sample, i) => {
    jobs.push({ sample, entry_point: entryPoint, completion: solRows[r]?.samples[i] ?? "" });
  });
});

let t = performance.now();
const oracle = spawnSync("/usr/bin/python3", ["test/oracles/codet_postprocess.py"], {
  input: jobs.map((j) => JSON.stringify(j)).join("\n"),
  maxBuffer: 1 << 30,
  encoding: "utf8",
});
if (oracle.status !== 0) throw new Error(`oracle failed: ${oracle.stderr}`);
const pyMs = performance.now() - t;
const expected: { cases: string[]; truncated: string }[] = oracle.stdout
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l));

await initPython();
t = performance.now();
const ours = jobs.map((j) =>
  extractAssertCases(j.sample, j.entry_point, { limit: Number.POSITIVE_INFINITY }),
);
const tsMs = performance.now() - t;

let pieces = 0;
let same = 0;
let oursOnly = 0;
let oracleOnly = 0;
let truncDiff = 0;
const examples: string[] = [];
jobs.forEach((j, k) => {
  const want = new Set(expected[k]?.cases ?? []);
  const got = ours[k] ?? { cases: [], rejected: [] };
  pieces += got.cases.length + got.rejected.length;
  for (const c of got.cases) if (!want.has(c)) oursOnly++;
  const gotSet = new Set(got.cases);
  for (const c of want) if (!gotSet.has(c)) oracleOnly++;
  const sameList = JSON.stringify(got.cases) === JSON.stringify(expected[k]?.cases);
  if (sameList) same++;
  else if (examples.length < 8) {
    const extra = got.cases.filter((c) => !want.has(c));
    const missing = [...want].filter((c) => !gotSet.has(c));
    const why = got.rejected.filter((r) => missing.some((m) => r.piece.startsWith(m)));
    examples.push(JSON.stringify({ extra, missing, why: why.map((w) => w.reason) }).slice(0, 400));
  }
  if (truncateSolution(j.completion ?? "") !== expected[k]?.truncated) truncDiff++;
});
const kept = ours.reduce((n, o) => n + o.cases.length, 0);
console.log(
  `data: ${dir}; ${jobs.length} test samples, ${pieces} pieces, ${kept} valid cases (all, before the limit)`,
);
console.log(`samples whose case list equals CodeT's: ${same}/${jobs.length}`);
console.log(`cases we keep that CodeT rejects: ${oursOnly}; cases CodeT keeps that we reject: ${oracleOnly}`);
console.log(`truncated solutions differing from CodeT: ${truncDiff}/${jobs.length}`);
for (const e of examples) console.log(`  diff: ${e}`);
console.log(
  `time: ours ${tsMs.toFixed(0)} ms, CodeT/CPython oracle ${pyMs.toFixed(0)} ms (incl. process start); ratio ours/oracle ${(tsMs / pyMs).toFixed(2)}`,
);
