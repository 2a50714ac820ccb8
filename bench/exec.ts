/**
 * bench:exec — coderm's Sandbox against the reference executor (bench/reference_exec.py: CodeRM's mechanism, a
 * process per pair, 1 s alarm, pass = wasSuccessful) on several shapes, in one process tree, same pairs, same
 * /usr/bin/python3, same worker count. Per shape the reference runs first and last (drift shows as two rates);
 * the ratio is against the faster of the two; startup is counted on both sides (the reference's interpreter and
 * pool, coderm's Sandbox.start and close). The load average is printed before and after each shape, and a shape
 * is skipped with a warning when the load is still above the core count after up to 3 min of waiting for it to
 * settle (--force runs it anyway, marked).
 *
 * Shapes: paper 100×100 on 4 problems; rl 16×10 on 40; sparse 6×5 on 80; timeouts (every 5th solution loops);
 * codet (the bundled slice: all 20 problems, 16×16, every disagreement listed and explained).
 * coderm runs as a user runs it: the strict split with its default early stop (a pair's verdict is its first
 * non-pass case, so the rest of a failing pair is not run; the pair verdict is the same as with --details, which
 * runs every case and reports them, and is what the reference's whole-program run costs).
 * Usage: npm run bench:exec [-- --quick] [--shapes paper,rl] [--workers K] [--data DIR] [--force] [--parity]
 *        [--details] [--breakdown] [--ours-only (profiling: no reference, no ratio)]
 */
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { initPython } from "../src/extract/index.js";
import { type PairOutcome, Sandbox } from "../src/sandbox/index.js";
import { buildShape, codetDir, loadProblems, type Shape } from "./exec-pairs.js";
import {
  breakdown,
  type Disagreement,
  explain,
  load,
  runReference,
  settle,
  summarize,
} from "./exec-report.js";

const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const flag = (name: string) => argv.includes(`--${name}`);
const CORES = availableParallelism();
const WORKERS = Number(opt("workers") ?? CORES);
const QUICK = flag("quick");

const FULL: Shape[] = [
  { name: "paper", problems: 4, solutions: 100, tests: 100, goal: 20 },
  { name: "rl", problems: 40, solutions: 16, tests: 10, goal: 20 },
  { name: "sparse", problems: 80, solutions: 6, tests: 5, goal: 10 },
  { name: "timeouts", problems: 10, solutions: 10, tests: 5, loopEvery: 5 },
  { name: "codet", problems: 20, solutions: 16, tests: 16, listAll: true },
];
const SMALL: Record<string, Partial<Shape>> = {
  paper: { problems: 2, solutions: 10, tests: 10 },
  rl: { problems: 4, solutions: 4, tests: 3 },
  sparse: { problems: 8, solutions: 3, tests: 2 },
  timeouts: { problems: 2, solutions: 5, tests: 2 },
  codet: { problems: 20, solutions: 2, tests: 2 },
};
const wanted = opt("shapes")?.split(",");
const shapes = FULL.filter((s) => !wanted || wanted.includes(s.name)).map((s) =>
  QUICK ? { ...s, ...SMALL[s.name] } : s,
);

await initPython();
const shared = loadProblems(codetDir(opt("data")));
const bundled = loadProblems(fileURLToPath(new URL("../vendor/codet/", import.meta.url)));
console.log(
  `bench:exec — ${WORKERS} workers on both sides (${CORES} cores), /usr/bin/python3; ${shared.length} CodeT problems` +
    `; coderm ${flag("details") ? "with --details (every case run)" : "with early stop (the default)"}${QUICK ? "; QUICK (small shapes: correctness only, not speed)" : ""}`,
);

const rows: string[] = [];
for (const shape of shapes) {
  const built = buildShape(shape.name === "codet" ? bundled : shared, shape);
  if (!built) {
    console.log(
      `\n[${shape.name}] SKIPPED: needs ${shape.problems} problems (pass --data with the full CodeT set)`,
    );
    continue;
  }
  const { pairs, programs } = built;
  const before = await settle(CORES);
  const label = `${shape.name} ${shape.solutions}×${shape.tests} on ${shape.problems}`;
  if (before > CORES && !flag("force")) {
    console.log(
      `\n[${label}] SKIPPED: load ${before.toFixed(2)} > ${CORES} cores (quote only quiet figures)`,
    );
    continue;
  }
  console.log(`\n[${label}] ${pairs.length} pairs; load before ${before.toFixed(2)}`);
  if (flag("ours-only")) {
    const t = performance.now();
    const sb = await Sandbox.start({ workers: WORKERS, parity: flag("parity"), details: flag("details") });
    let n = 0;
    const counts: Record<string, number> = {};
    for await (const o of sb.run(pairs)) {
      n++;
      counts[o.verdict] = (counts[o.verdict] ?? 0) + 1;
    }
    await sb.close();
    const sec = (performance.now() - t) / 1000;
    if (flag("breakdown")) for (const l of breakdown(sb.stats, sec, WORKERS, n)) console.log(l);
    console.log(
      `  coderm only (profiling; no ratio): ${sec.toFixed(2)} s, ${(n / sec).toFixed(1)} pairs/s; load ${load().toFixed(2)}; ${JSON.stringify(counts)}`,
    );
    continue;
  }
  const ref1 = runReference(programs, WORKERS);
  console.log(`  reference #1: ${ref1.sec.toFixed(2)} s, ${(pairs.length / ref1.sec).toFixed(1)} pairs/s`);
  const t0 = performance.now();
  const sb = await Sandbox.start({ workers: WORKERS, parity: flag("parity"), details: flag("details") });
  const ours = new Map<string, PairOutcome>();
  for await (const o of sb.run(pairs)) ours.set(o.id, o);
  await sb.close();
  const oursSec = (performance.now() - t0) / 1000;
  console.log(
    `  coderm:       ${oursSec.toFixed(2)} s, ${(pairs.length / oursSec).toFixed(1)} pairs/s (start + close included; isolation ${sb.isolation.level})`,
  );
  if (flag("breakdown")) for (const l of breakdown(sb.stats, oursSec, WORKERS, pairs.length)) console.log(l);
  const ref2 = runReference(programs, WORKERS);
  const after = load();
  console.log(
    `  reference #2: ${ref2.sec.toFixed(2)} s, ${(pairs.length / ref2.sec).toFixed(1)} pairs/s; load after ${after.toFixed(2)}`,
  );
  const refSec = Math.min(ref1.sec, ref2.sec);
  const ratio = refSec / oursSec;
  const dis: Disagreement[] = await explain(pairs, programs, ref1.out, ref2.out, ours);
  const s = summarize(pairs, ours, dis);
  const goal = shape.goal ? ` (goal ≥ ${shape.goal}×${ratio >= shape.goal ? ", met" : ", NOT met"})` : "";
  // The load after includes this shape's own workers (about one per core); what else ran shows in the load
  // before, taken once the previous shape's load had settled.
  const quiet = before <= CORES ? "" : " UNDER LOAD: not a quotable figure";
  console.log(`  ratio: ${ratio.toFixed(1)}× against the faster reference run${goal}${quiet}`);
  console.log(`  verdicts: ${s.counts}`);
  console.log(`  agreement: ${s.agreement}; ${dis.length} disagreements (${s.borderline} borderline timing)`);
  for (const d of shape.listAll ? dis : dis.slice(0, 5)) console.log(`    ${d.id}: ${d.line}`);
  if (!shape.listAll && dis.length > 5)
    console.log(`    … ${dis.length - 5} more (run --shapes ${shape.name} --verbose)`);
  rows.push(
    `| ${label} | ${pairs.length} | ${(pairs.length / ref1.sec).toFixed(0)} / ${(pairs.length / ref2.sec).toFixed(0)} | ` +
      `${(pairs.length / oursSec).toFixed(0)} | ${ratio.toFixed(1)}×${shape.goal ? ` (≥ ${shape.goal}×)` : ""} | ` +
      `${s.agreementPct} | ${before.toFixed(2)} → ${after.toFixed(2)}${quiet ? " ⚠" : ""} |`,
  );
}
console.log(
  "\n| shape | pairs | reference pairs/s (first / last) | coderm pairs/s | ratio | agreement | load before → after |",
);
console.log("|---|---|---|---|---|---|---|");
for (const r of rows) console.log(r);
