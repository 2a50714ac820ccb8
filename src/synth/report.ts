/**
 * The synth report: Markdown and one self-contained HTML file (inline SVG, no scripts, a CSP that forbids
 * any load, like the eval report). Distributions are frequency polygons drawn with the report's
 * `lineChart`, so every chart shares one SVG implementation.
 */

import { writeFileAtomic } from "../io/output.js";
import { escapeMarkdownCell, escapeXml, lineChart, pct } from "../report/index.js";
import type { QualityNumbers, SynthSummary } from "./summary.js";

function histogram(values: readonly number[], bins: number, lo: number, hi: number) {
  const width = (hi - lo) / bins || 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)))]!++;
  return counts.map((c, i) => ({ x: lo + (i + 0.5) * width, y: c }));
}

export function distributionCharts(s: SynthSummary): string[] {
  const rate = (name: string, values: number[], id: string, label: string) =>
    lineChart({
      id,
      title: `${name} of the kept tests (${values.length} with a value)`,
      xLabel: label,
      yLabel: "tests",
      series: [{ name: "tests", points: histogram(values, 10, 0, 1) }],
      formatX: (x) => x.toFixed(2),
      width: 560,
      height: 300,
    });
  const maxLines = Math.max(1, ...s.distributions.lines);
  return [
    rate("FAR", s.distributions.far, "far", "false acceptance rate FP/(FP+TP)"),
    rate("FRR", s.distributions.frr, "frr", "false rejection rate FN/(FN+TN)"),
    rate("Mutation score", s.distributions.mutation, "mutation", "share of non-equivalent mutants killed"),
    lineChart({
      id: "lines",
      title: "Test length",
      xLabel: "lines",
      yLabel: "tests",
      series: [{ name: "tests", points: histogram(s.distributions.lines, 10, 0, maxLines + 1) }],
      formatX: (x) => x.toFixed(0),
      width: 560,
      height: 300,
    }),
  ];
}

function qualityRow(name: string, q: QualityNumbers): string {
  return `| ${name} | ${pct(q.acc)} | ${pct(q.f1)} | ${pct(q.far)} | ${pct(q.frr)} | ${q.counts.tp} / ${q.counts.fp} / ${q.counts.tn} / ${q.counts.fn} |`;
}

export function renderSynthMarkdown(s: SynthSummary): string {
  const c = s.counts;
  const out: string[] = [`# ${s.title}`, ""];
  out.push("## Counts", "", "| stage | count |", "|---|---|");
  out.push(`| questions | ${c.questions} (bad rows ${c.questionsBad}, skipped ${c.questionsSkipped}) |`);
  for (const [r, k] of Object.entries(c.skipReasons))
    out.push(`| skipped: ${escapeMarkdownCell(r)} | ${k} |`);
  out.push(`| tests generated | ${c.generated} |`);
  for (const [r, k] of Object.entries(c.dropped)) out.push(`| dropped: ${r} | ${k} |`);
  out.push(`| kept (pass the ground truth) | ${c.kept} |`);
  for (const [r, k] of Object.entries(c.filteredBy)) out.push(`| filtered: ${r} | ${k} |`);
  out.push(`| selected (exported) | ${c.selected} |`, "");
  out.push(
    `Weak solutions: ${s.weak.solutions} scored, ${s.weak.labelled} labelled, ${s.weak.correct} correct (${Object.entries(
      s.weak.byMethod,
    )
      .map(([m, k]) => `${m}: ${k}`)
      .join("; ")}).`,
    "",
  );
  out.push("## Unit-test quality (paper's FAR = FP/(FP+TP), FRR = FN/(FN+TN))", "");
  out.push("| set | Acc | F1 | FAR | FRR | TP / FP / TN / FN |", "|---|---|---|---|---|---|");
  out.push(
    qualityRow("kept, individual", s.quality.kept.individual),
    qualityRow("kept, multiple", s.quality.kept.multiple),
  );
  if (s.quality.selected)
    out.push(
      qualityRow("selected, individual", s.quality.selected.individual),
      qualityRow("selected, multiple", s.quality.selected.multiple),
    );
  out.push("", `Filters: ${JSON.stringify(s.filters)}`, "");
  const m = s.mutation;
  out.push("## Mutation", "");
  out.push(
    `${m.mutants} mutants, ${m.killed} killed by the kept tests, ${m.equivalent} estimated equivalent, ${m.unknown} survivors without a probe; suite mutation score ${pct(m.suiteScore)}, mean per-test score ${pct(m.meanTestScore)}; ${m.uncompilable} uncompilable mutants discarded.`,
    "",
    `Equivalent-mutant estimate: ${m.equivalenceMethod}`,
    "",
    "| operator | mutants | killed | equivalent |",
    "|---|---|---|---|",
  );
  for (const [op, o] of Object.entries(m.byOperator))
    out.push(`| ${op} | ${o.mutants} | ${o.killed} | ${o.equivalent} |`);
  out.push(
    "",
    `Undefined ratios (0/0, left out of the charts): FAR ${s.undefinedRatios.far}, FRR ${s.undefinedRatios.frr}, mutation ${s.undefinedRatios.mutation}.`,
    "",
  );
  out.push(
    "## Per question",
    "",
    "| question | generated | kept | selected | weak (correct) | FAR | FRR | multiple FAR | multiple FRR | mutants killed |",
    "|---|---|---|---|---|---|---|---|---|---|",
  );
  for (const q of s.perQuestion)
    out.push(
      `| ${escapeMarkdownCell(q.task_id)} | ${q.generated} | ${q.kept} | ${q.selected} | ${q.weak} (${q.correct}) | ${pct(q.far)} | ${pct(q.frr)} | ${pct(q.multipleFar)} | ${pct(q.multipleFrr)} | ${q.killed}/${q.mutants} |`,
    );
  out.push("", ...examplesMarkdown(s));
  if (s.notes.length > 0) out.push("## Notes", "", ...s.notes.map((n) => `- ${n}`), "");
  return `${out.join("\n")}\n`;
}

/** Kept and dropped tests in full, one section each. */
function examplesMarkdown(s: SynthSummary): string[] {
  const out: string[] = [];
  out.push("## Examples: kept", "");
  for (const e of s.examples.kept)
    out.push(
      `### ${e.task_id} test ${e.test} (FAR ${pct(e.far)}, FRR ${pct(e.frr)}, mutation ${pct(e.mutation_score)})`,
      "",
      "```python",
      e.code,
      "```",
      "",
    );
  out.push("## Examples: dropped", "");
  for (const e of s.examples.dropped)
    out.push(
      `### ${e.task_id} test ${e.test}: ${e.reason}`,
      "",
      ...(e.detail ? ["```text", e.detail, "```", ""] : []),
      "```python",
      e.code ?? "(no code)",
      "```",
      "",
    );
  return out;
}

export function renderSynthHtml(s: SynthSummary): string {
  const md = renderSynthMarkdown(s);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeXml(s.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em}pre{background:#f6f6f6;padding:1em;overflow:auto}.charts{display:flex;flex-wrap:wrap;gap:1em}</style>
</head><body>
<h1>${escapeXml(s.title)}</h1>
<div class="charts">
${distributionCharts(s).join("\n")}
</div>
<pre class="report-md">${escapeXml(md)}</pre>
</body></html>
`;
}

export function writeSynthReport(s: SynthSummary, mdFile: string, htmlFile: string): void {
  writeFileAtomic(mdFile, renderSynthMarkdown(s));
  writeFileAtomic(htmlFile, renderSynthHtml(s));
}
