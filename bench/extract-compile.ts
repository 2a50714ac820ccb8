/**
 * How often `compileError` (tree-sitter + rules) agrees with CPython's `compile()`, on real code
 * and on broken variants of it: HumanEval+/MBPP+ prompts + canonical solutions, CodeT's CodeGen-16B
 * solutions (prompt + completion, raw and truncated at CodeT's stop words), each also cut at a
 * random point, with a random line removed, a character deleted or inserted, or a line re-indented. Usage: `npm run bench:extract-compile [-- --seed N]`.
 * Prints agreement, the first disagreements, and time against CPython measured in the same run.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { compileError, initPython, truncateSolution } from "../src/extract/index.js";

const args = process.argv.slice(2);
const seedFlag = args.indexOf("--seed");
let seed = seedFlag >= 0 ? Number(args[seedFlag + 1]) : 1;
const random = () => {
  // mulberry32: a seeded generator, so a run can be repeated.
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const jsonl = (text: string) =>
  text
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
// EvalPlus files are Python JSON (bare Infinity/NaN in inputs); those values are not needed here.
const gz = (path: string) =>
  jsonl(
    gunzipSync(readFileSync(path))
      .toString("utf8")
      .replace(/(?<=[[,\s])-?(Infinity|NaN)(?=[,\]])/g, "0"),
  );

const real: string[] = [];
for (const t of gz("vendor/evalplus/HumanEvalPlus-v0.1.10.jsonl.gz"))
  real.push(t.prompt + t.canonical_solution);
for (const t of gz("vendor/evalplus/MbppPlus-v0.2.0.jsonl.gz")) real.push(t.prompt + t.canonical_solution);
const codetTasks = new Map<string, string>(
  jsonl(readFileSync("vendor/codet/HumanEval_for_code_generation.jsonl", "utf8")).map(
    (t: { prompt: string }) => [t.prompt, t.prompt] as [string, string],
  ),
);
for (const row of jsonl(
  readFileSync(
    "vendor/codet/HumanEval_codegen16B_temp0.8_topp0.95_num100_max300_code_solution.jsonl",
    "utf8",
  ),
)) {
  if (!codetTasks.has(row.prompt)) continue;
  for (const s of (row.samples as string[]).slice(0, 25)) {
    real.push(row.prompt + s);
    real.push(row.prompt + truncateSolution(s));
  }
}
const corpus: string[] = [...real];
for (const src of real) {
  corpus.push(src.slice(0, Math.floor(random() * src.length)));
  const lines = src.split("\n");
  lines.splice(Math.floor(random() * lines.length), 1);
  corpus.push(lines.join("\n"));
  const at = Math.floor(random() * src.length);
  corpus.push(src.slice(0, at) + src.slice(at + 1));
  const noise = "([{:)]},=\"'\\\n\t #";
  corpus.push(src.slice(0, at) + noise[Math.floor(random() * noise.length)] + src.slice(at));
  const shifted = src.split("\n");
  const k = Math.floor(random() * shifted.length);
  shifted[k] = random() < 0.5 ? `    ${shifted[k]}` : (shifted[k] ?? "").replace(/^ {1,4}/, "");
  corpus.push(shifted.join("\n"));
}

let t = performance.now();
const py = spawnSync(
  "/usr/bin/python3",
  [
    "-W",
    "ignore",
    "-c",
    "import json,sys\nout=[]\nfor s in json.load(sys.stdin):\n    try:\n        compile(s,'','exec'); out.append(1)\n    except Exception:\n        out.append(0)\nprint(json.dumps(out))",
  ],
  { input: JSON.stringify(corpus), encoding: "utf8", maxBuffer: 1 << 28 },
);
if (py.status !== 0) throw new Error(py.stderr);
const pyMs = performance.now() - t;
const expected: number[] = JSON.parse(py.stdout);

await initPython();
t = performance.now();
const ours = corpus.map((s) => compileError(s));
const tsMs = performance.now() - t;

let agree = 0;
let falseAccept = 0;
let falseReject = 0;
const shown: string[] = [];
corpus.forEach((s, i) => {
  const accepted = ours[i] === undefined;
  if (accepted === (expected[i] === 1)) agree++;
  else {
    if (accepted) falseAccept++;
    else falseReject++;
    if (shown.length < 10)
      shown.push(`${accepted ? "accepted" : `rejected (${ours[i]})`}: ${JSON.stringify(s.slice(-160))}`);
  }
});
const valid = expected.filter((x) => x === 1).length;
console.log(
  `${corpus.length} programs (${valid} compile under CPython ${process.env.PYVER ?? "/usr/bin/python3"})`,
);
console.log(`agreement ${agree}/${corpus.length} (${((100 * agree) / corpus.length).toFixed(2)}%)`);
console.log(`we accept, CPython rejects: ${falseAccept}; we reject, CPython accepts: ${falseReject}`);
for (const s of shown) console.log(`  ${s}`);
console.log(
  `time: ours ${tsMs.toFixed(0)} ms, CPython ${pyMs.toFixed(0)} ms (incl. start); ratio ${(tsMs / pyMs).toFixed(2)}`,
);
if (process.env.SHOW_ALL) {
  corpus.forEach((s, i) => {
    if ((ours[i] === undefined) !== (expected[i] === 1)) console.log(JSON.stringify(s));
  });
}
