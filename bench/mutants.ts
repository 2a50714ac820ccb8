/**
 * Mutation speed on HumanEval's 164 canonical solutions.
 * 1. Generation: every first-order mutant of every canonical program (all operators, no sampling), each
 *    checked to compile with the extractor's CPython-compatible checker → mutants/s.
 * 2. Kills: a seeded sample of `--per-task` mutants per task run against the task's own tests (HumanEval's
 *    `check(candidate)` as a unittest class, which the canonical solution passes: a kept test) in the
 *    sandbox, batched (how `coderm synth` runs them) → pairs/s and kills/s; then the same pairs with one
 *    fork per pair (`parity`, the reference's shape) as the baseline, same interpreter (/usr/bin/python3) and
 *    worker count, startup counted on both sides. Verdicts must agree.
 * Usage: npm run bench:mutants [-- --per-task 10 --workers 2 --timeout 1]
 */
import { loadavg } from "node:os";
import { initPython } from "../src/extract/index.js";
import { Sandbox } from "../src/sandbox/index.js";
import { generateMutants } from "../src/synth/mutants.js";
import { checkTestClass } from "../src/synth/oracles.js";
import { readQuestions } from "../src/synth/questions.js";
import { questionsFile } from "../src/synth/sources.js";

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const perTask = arg("per-task", 10);
const workers = arg("workers", 2);
const timeout = arg("timeout", 1);
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");

await initPython();
const questions = (await readQuestions(questionsFile("humaneval"))).questions;
console.log(`HumanEval: ${questions.length} canonical solutions; load average ${load()}`);

let t0 = performance.now();
let proposed = 0;
let valid = 0;
let uncompilable = 0;
for (const q of questions) {
  const s = generateMutants(q.canonical_solution).stats;
  proposed += s.proposed;
  valid += s.valid;
  uncompilable += s.uncompilable;
}
const genSecs = (performance.now() - t0) / 1000;
console.log(
  `generation: ${valid} mutants (${proposed} proposed, ${uncompilable} uncompilable, ${proposed - valid - uncompilable} duplicates) in ${genSecs.toFixed(2)} s = ${(valid / genSecs).toFixed(0)} mutants/s; load ${load()}`,
);

const pairs = questions.flatMap((q) =>
  generateMutants(q.canonical_solution, { max: perTask, seed: `0:${q.task_id}` }).mutants.map((m) => ({
    id: `${q.task_id}\t${m.id}`,
    solution: m.code,
    test: checkTestClass(q.test ?? "", q.entry_point),
    format: "unittest" as const,
  })),
);

async function measure(parity: boolean) {
  const start = performance.now();
  const sb = await Sandbox.start({ workers, timeout, parity });
  const verdicts = new Map<string, string>();
  try {
    for await (const o of sb.run(pairs)) verdicts.set(o.id, o.verdict);
  } finally {
    await sb.close();
  }
  const secs = (performance.now() - start) / 1000;
  const kills = [...verdicts.values()].filter((v) => v !== "pass").length;
  const timeouts = [...verdicts.values()].filter((v) => v === "timeout").length;
  return { secs, kills, timeouts, verdicts };
}

t0 = performance.now();
const batched = await measure(false);
console.log(
  `kills (batched): ${pairs.length} mutant × test pairs, ${batched.kills} killed (${batched.timeouts} by timeout), ${batched.secs.toFixed(2)} s = ${(pairs.length / batched.secs).toFixed(1)} pairs/s, ${(batched.kills / batched.secs).toFixed(1)} kills/s; load ${load()}`,
);
const forked = await measure(true);
console.log(
  `kills (fork per pair, baseline): ${forked.secs.toFixed(2)} s = ${(pairs.length / forked.secs).toFixed(1)} pairs/s, ${(forked.kills / forked.secs).toFixed(1)} kills/s; load ${load()}`,
);
const disagree = pairs.filter(
  (p) => (batched.verdicts.get(p.id) === "pass") !== (forked.verdicts.get(p.id) === "pass"),
);
console.log(
  `batched vs fork-per-pair: ${(forked.secs / batched.secs).toFixed(2)}× faster; kill verdicts differ on ${disagree.length} pairs`,
);
console.log(
  JSON.stringify({
    mutants: valid,
    generation_per_s: valid / genSecs,
    pairs: pairs.length,
    kills: batched.kills,
    kills_per_s: batched.kills / batched.secs,
    baseline_kills_per_s: forked.kills / forked.secs,
    ratio: forked.secs / batched.secs,
    disagree: disagree.length,
    load: loadavg(),
  }),
);
