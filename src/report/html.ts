/**
 * A self-contained HTML report: inline CSS and inline SVG only, no scripts and a Content-Security-
 * Policy that forbids any fetch, so the file opens offline and leaks nothing. All user text is escaped.
 */
import type { BestOfNPoint, EvalSummary, QualityRates } from "../evaluate/summary-types.js";
import { escapeXml as esc, pct } from "./escape.js";
import { heatmap } from "./heatmap.js";
import { type LineSeries, lineChart } from "./line-chart.js";
import { strategyLabel } from "./names.js";
import { colour } from "./svg-axis.js";

const CSS = `
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:right}
th:first-child,td:first-child,td.text{text-align:left}
th{background:#f5f5f5}
td.chosen{font-family:ui-monospace,monospace;font-size:.8rem;text-align:left;max-width:22rem;overflow-wrap:anywhere}
.notes li{margin:.2rem 0}.meta{color:#555;font-size:.9rem}
figure{margin:1rem 0;overflow-x:auto}figcaption{color:#555;font-size:.85rem}
`;

function table(className: string, header: string[], rows: string[][]): string {
  const head = `<tr>${header.map((h) => `<th>${h}</th>`).join("")}</tr>`;
  const body = rows.map((r) => `<tr>${r.join("")}</tr>`).join("\n");
  return `<table class="${className}"><thead>${head}</thead><tbody>\n${body}\n</tbody></table>`;
}

const td = (text: string, cls?: string) => `<td${cls ? ` class="${cls}"` : ""}>${esc(text)}</td>`;

function bestTable(s: EvalSummary): string {
  const rows = [[td("Vanilla"), td(pct(s.vanilla))]];
  for (const r of s.strategies) rows.push([td(strategyLabel(r.strategy)), td(pct(r.best.mean))]);
  return table("best-of-n", ["Method", esc(`${s.title} (n=${s.options.n}, m=${s.options.m})`)], rows);
}

function qualityTable(s: EvalSummary): string {
  if (!s.test_quality) return "";
  const q = (label: string, r: QualityRates) => [
    td(label),
    ...[r.accuracy, r.f1, r.far, r.frr, r.precision, r.recall, r.fpr, r.fnr].map((v) => td(pct(v))),
    ...[r.tp, r.tn, r.fp, r.fn].map((v) => td(String(v))),
  ];
  return table(
    "test-quality",
    ["Unit tests", "Acc", "F1", "FAR", "FRR", "Precision", "Recall", "FPR", "FNR", "TP", "TN", "FP", "FN"],
    [q("individual", s.test_quality.individual), q("multiple", s.test_quality.multiple)],
  );
}

function curveChart(s: EvalSummary, axis: "over_m" | "over_n"): string {
  const pick = (p: BestOfNPoint) => (axis === "over_m" ? p.m : p.n);
  const series: LineSeries[] = s.strategies.map((r, i) => ({
    name: strategyLabel(r.strategy),
    colour: colour(i),
    points: r[axis].map((p) => ({
      x: pick(p),
      y: p.mean * 100,
      lo: (p.mean - p.std) * 100,
      hi: (p.mean + p.std) * 100,
    })),
  }));
  const xs = series.flatMap((x) => x.points.map((p) => p.x));
  if (xs.length === 0) return "";
  if (s.vanilla !== null) {
    // Vanilla does not depend on n or m: a flat reference line across the plotted range.
    series.push({
      name: "Vanilla",
      dashed: true,
      colour: "#777777",
      points: [
        { x: Math.min(...xs), y: s.vanilla * 100 },
        { x: Math.max(...xs), y: s.vanilla * 100 },
      ],
    });
  }
  const tests = axis === "over_m";
  return lineChart({
    id: tests ? "chart-tests" : "chart-solutions",
    title: tests
      ? `Accuracy vs number of unit tests (n = ${s.options.n} solutions)`
      : `Accuracy vs number of solutions (m = ${s.options.m} unit tests)`,
    xLabel: tests ? "unit tests per problem (m)" : "solutions per problem (n)",
    yLabel: "best-of-n accuracy (%)",
    xScale: "log2",
    // Accuracy is a percentage: a ± std band near 0 or 100 must not stretch the axis past it.
    yBounds: [0, 100],
    series,
    formatY: (y) => y.toFixed(Number.isInteger(y) ? 0 : 1),
  });
}

function problemTable(s: EvalSummary): string {
  const names = s.options.strategies;
  const rows = s.problems.map((p) => [
    td(p.task_id, "text"),
    td(String(p.solutions)),
    td(String(p.tests)),
    td(p.correct === null ? "—" : `${p.correct}/${p.labelled}`),
    td(String(p.missing)),
    td(pct(p.pass_density)),
    ...names.flatMap((n) => [td(pct(p.credit[n] ?? null)), td((p.chosen[n] ?? []).join(", "), "chosen")]),
  ]);
  return table(
    "problems",
    [
      "Problem",
      "N",
      "M",
      "Correct",
      "Missing",
      "Pass density",
      ...names.flatMap((n) => [esc(`${strategyLabel(n)} credit`), esc(`${strategyLabel(n)} chosen`)]),
    ],
    rows,
  );
}

/** Render one summary as a complete HTML document. */
export function renderHtml(s: EvalSummary): string {
  const o = s.options;
  const parts: string[] = [];
  parts.push(
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(`coderm evaluation: ${s.title}`)}</title>`,
    `<style>${CSS}</style></head><body>`,
    `<h1>${esc(`coderm evaluation: ${s.title}`)}</h1>`,
    `<p class="meta">${esc(
      `${s.counts.problems} problems (${s.counts.labelled_problems} labelled), ${s.counts.solutions} solutions, ` +
        `${s.counts.tests} unit tests, ${s.counts.missing_results} missing results. Best-of-n at n = ${o.n}, m = ${o.m}, ` +
        `${o.samples} samples, seed ${o.seed}, ${o.protocol} protocol.`,
    )}</p>`,
  );
  if (s.notes.length > 0) {
    parts.push(`<ul class="notes">${s.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>`);
  }
  parts.push("<h2>Best-of-n: pass@1 after selection (%)</h2>", bestTable(s));
  if (s.pass_at_k.length > 0) {
    parts.push(
      "<h2>Without selection: pass@k (%)</h2>",
      table(
        "pass-at-k",
        ["Metric", esc(s.title)],
        s.pass_at_k.map((p) => [td(`pass@${p.k}`), td(pct(p.value))]),
      ),
    );
  }
  if (s.test_quality) {
    parts.push(
      "<h2>Unit-test quality (%)</h2>",
      qualityTable(s),
      '<p class="meta">FAR = FP/(FP+TP), FRR = FN/(FN+TN) (paper, Appendix D); FPR = FP/(FP+TN), FNR = FN/(FN+TP) (standard).</p>',
    );
  }
  const overM = curveChart(s, "over_m");
  const overN = curveChart(s, "over_n");
  if (overM || overN) {
    parts.push("<h2>Scaling</h2>");
    if (overM)
      parts.push(
        `<figure>${overM}<figcaption>Mean over ${o.curve_samples} bootstrap samples; bands show ± one standard deviation of the per-sample means.</figcaption></figure>`,
      );
    if (overN)
      parts.push(
        `<figure>${overN}<figcaption>Mean over ${o.curve_samples} bootstrap samples; bands show ± one standard deviation of the per-sample means.</figcaption></figure>`,
      );
  }
  for (const f of s.featured) {
    parts.push(
      `<h2>${esc(`Pass matrix: ${f.task_id}`)}</h2>`,
      `<figure>${heatmap({
        id: `heatmap-${s.featured.indexOf(f)}`,
        title: `${f.task_id}: ${f.rows.length} solutions × ${f.rows[0]?.length ?? 0} unit tests`,
        rows: f.rows,
        correct: f.correct,
        markers: o.strategies.map((name, i) => ({
          name: strategyLabel(name),
          rows: f.chosen[name] ?? [],
          colour: colour(i),
        })),
      })}</figure>`,
    );
  }
  parts.push("<h2>Per problem</h2>", problemTable(s), "</body></html>");
  return `${parts.join("\n")}\n`;
}
