/**
 * The library in a few lines: replay three problems of CodeT's bundled generations through the whole loop,
 * then re-rank the same samples with another strategy from the results already computed.
 * Run: npx tsx examples/quickstart.ts
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatTable, loadCodetData, parseRunConfig, rank, readDoneResults, run } from "../src/index.js";

const out = join(mkdtempSync(join(tmpdir(), "coderm-example-")), "run");
const result = await run(
  parseRunConfig(
    {},
    { benchmark: "humaneval", codet: "vendor/codet", out, limit: 3, m: 20, evaluation: { samples: 20 } },
  ),
);
console.log(formatTable(result.summary));

// Same samples, pass matrix reused: choose with CodeT's consensus score instead of the CodeRM vote.
const data = await loadCodetData("vendor/codet", { testSamples: 20 });
const tasks = result.selected.map((s) => s.task_id);
const { selected } = await rank(
  {
    solutions: data.solutions,
    tests: data.tests,
    tasks,
    results: await readDoneResults(result.files.results!),
  },
  { strategy: "codet" },
);
for (const s of selected) console.log(`${s.task_id}: solution ${s.index} (${s.why})`);
