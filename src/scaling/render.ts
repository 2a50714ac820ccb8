/**
 * scale-eval output: a Markdown report (accuracy per budget per allocation, online savings,
 * predictor calibration), the JSON result, and an SVG chart like the paper's Figure 6 drawn with the
 * report stage's line chart.
 */
import { escapeMarkdownCell, lineChart, pct } from "../report/index.js";
import type { Calibration } from "./calibration.js";
import { type Allocation, equalBudgetFor, type ScaleEvalResult } from "./simulate.js";

// Short enough for the chart legend; "dynamic" = the paper's greedy allocation on that difficulty.
const LABELS: Record<Allocation, string> = {
  equal: "equal",
  "dynamic-gold": "dynamic, gold λ",
  "dynamic-predicted": "dynamic, predicted λ",
  "dynamic-learned": "learned curve",
  online: "online",
};

function fmtBudget(b: number): string {
  return Number.isInteger(b) ? String(b) : b.toFixed(2);
}

/** Online savings at each budget: tests online used vs what equal allocation needs for the same accuracy. */
export function onlineSavings(
  r: ScaleEvalResult,
): Array<{ budget: number; used: number; equalNeeds?: number; saved?: number }> {
  return r.budgets.map((b, i) => {
    const used = r.testsUsed.online[i] as number;
    const need = equalBudgetFor(r.accuracy.online[i] as number, r.budgets, r.accuracy.equal);
    return need === undefined
      ? { budget: b, used }
      : { budget: b, used, equalNeeds: need, saved: 1 - used / need };
  });
}

function calibrationRows(cal: Record<string, Calibration>): string[] {
  const out = ["| Predictor | Brier (vs λ) | ECE | Spearman |", "|---|---:|---:|---:|"];
  for (const [name, c] of Object.entries(cal)) {
    out.push(
      `| ${escapeMarkdownCell(name)} | ${c.brier.toFixed(4)} | ${c.ece.toFixed(4)} | ${Number.isFinite(c.spearman) ? c.spearman.toFixed(3) : "—"} |`,
    );
  }
  return out;
}

function reliabilityRows(name: string, c: Calibration): string[] {
  const out = [
    `Reliability of ${escapeMarkdownCell(name)}:`,
    "",
    "| λ̂ bin | problems | mean λ̂ | measured λ |",
    "|---|---:|---:|---:|",
  ];
  for (const b of c.bins) {
    if (b.count === 0) continue;
    out.push(
      `| ${b.lo.toFixed(1)}–${b.hi.toFixed(1)} | ${b.count} | ${b.meanPredicted.toFixed(3)} | ${b.meanMeasured.toFixed(3)} |`,
    );
  }
  return out;
}

export function renderScaleMarkdown(r: ScaleEvalResult, title = "Dynamic unit-test scaling"): string {
  const lines: string[] = [`## ${escapeMarkdownCell(title)}`, ""];
  lines.push(
    `${r.problems} problems, ${r.samples} resamples (random test order per problem), coderm-vote credit in %. ` +
      `Budget = average tests per problem. Every test: ${pct(r.allTests)}; no test (vanilla): ${pct(r.vanilla)}. ` +
      `Predicted λ: isotonic map of \`${r.feature}\` on a first round of ${r.probeTests} test(s) per problem.`,
    "",
  );
  lines.push(`| Budget | ${r.allocations.map((a) => LABELS[a]).join(" | ")} | online tests used |`);
  lines.push(`|---:|${r.allocations.map(() => "---:").join("|")}|---:|`);
  r.budgets.forEach((b, i) => {
    const cells = r.allocations.map((a) => `${pct(r.accuracy[a][i])} ± ${pct(r.stderr[a][i])}`);
    lines.push(`| ${fmtBudget(b)} | ${cells.join(" | ")} | ${fmtBudget(r.testsUsed.online[i] as number)} |`);
  });
  lines.push("", "Difference to equal allocation, points (± paired standard error over resamples):", "");
  const others = r.allocations.filter((a) => a !== "equal");
  lines.push(
    `| Budget | ${others.map((a) => LABELS[a]).join(" | ")} |`,
    `|---:|${others.map(() => "---:").join("|")}|`,
  );
  r.budgets.forEach((b, i) => {
    const cells = others.map((a) => {
      const d = ((r.accuracy[a][i] as number) - (r.accuracy.equal[i] as number)) * 100;
      return `${d >= 0 ? "+" : ""}${d.toFixed(2)} ± ${((r.deltaStderr[a][i] as number) * 100).toFixed(2)}`;
    });
    lines.push(`| ${fmtBudget(b)} | ${cells.join(" | ")} |`);
  });
  lines.push(
    "",
    'Online mode against equal allocation (Δ at the same budget; tests saved = 1 − online tests / the smallest equal budget reaching the online accuracy, interpolated in log2 budget; "none" when equal allocation gets there with fewer tests):',
    "",
  );
  lines.push(
    "| Budget | online tests/problem | online | equal | Δ ± se (paired) | equal needs | tests saved | online stops |",
    "|---:|---:|---:|---:|---:|---:|---:|---|",
  );
  onlineSavings(r).forEach((s, i) => {
    const stops = Object.entries(r.onlineStops[i] ?? {})
      .map(([k, v]) => `${k} ${(v as number).toFixed(1)}`)
      .join(", ");
    const on = r.accuracy.online[i] as number;
    const eq = r.accuracy.equal[i] as number;
    const delta = (on - eq) * 100;
    lines.push(
      `| ${fmtBudget(s.budget)} | ${s.used.toFixed(2)} | ${pct(on)} | ${pct(eq)} | ${delta >= 0 ? "+" : ""}${delta.toFixed(2)} ± ${((r.deltaStderr.online[i] as number) * 100).toFixed(2)} | ${s.equalNeeds === undefined ? "> max" : s.equalNeeds.toFixed(2)} | ${s.saved === undefined ? "—" : s.saved < 0 ? "none" : `${(s.saved * 100).toFixed(1)}%`} | ${stops || "—"} |`,
    );
  });
  lines.push("", "Difficulty predictors (first resample; λ = measured pass rate of the policy):", "");
  lines.push(...calibrationRows(r.calibration));
  const chosen = Object.entries(r.calibration).find(([k]) => k.startsWith(`${r.feature} (isotonic`));
  if (chosen) lines.push("", ...reliabilityRows(chosen[0], chosen[1]));
  return `${lines.join("\n")}\n`;
}

/** Figure 6: accuracy vs budget (log2 axis), one line per allocation. */
export function renderScaleSvg(r: ScaleEvalResult, title = "Accuracy vs unit-test budget"): string {
  return lineChart({
    title,
    xLabel: "average unit tests per problem",
    yLabel: "accuracy (%)",
    xScale: "log2",
    id: "scale-eval",
    series: r.allocations.map((a) => ({
      name: LABELS[a],
      dashed: a === "equal",
      points: r.budgets.map((b, i) => ({ x: b, y: (r.accuracy[a][i] as number) * 100 })),
    })),
    formatY: (y) => y.toFixed(1),
  });
}

export function renderScaleJson(r: ScaleEvalResult): string {
  return `${JSON.stringify({ ...r, onlineSavings: onlineSavings(r) }, null, 2)}\n`;
}
