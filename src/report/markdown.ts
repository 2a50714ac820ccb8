/**
 * Markdown in the paper's table layout: rows are methods (Vanilla, then one per strategy), columns
 * are benchmark/policy runs, cells are pass@1 after selection in percent. Several summaries render
 * side by side, as in the paper's Table 1.
 */
import type { EvalSummary, QualityRates } from "../evaluate/summary-types.js";
import { escapeMarkdownCell as cell, pct } from "./escape.js";
import { strategyLabel } from "./names.js";

export interface MarkdownOptions {
  /** Append the per-problem table (long: one row per problem). Default true. */
  perProblem?: boolean;
  /** Heading level of section titles (default 2). */
  level?: number;
}

function row(cells: string[]): string {
  return `| ${cells.join(" | ")} |`;
}

function table(header: string[], rows: string[][], align?: string[]): string {
  const sep = align ?? header.map((_, i) => (i === 0 ? "---" : "---:"));
  return [row(header), row(sep), ...rows.map(row)].join("\n");
}

function columnLabel(s: EvalSummary): string {
  return `${cell(s.title)} (n=${s.options.n}, m=${s.options.m})`;
}

/** The best-of-n table: Vanilla plus one row per strategy found in any summary. */
export function bestOfNTable(summaries: EvalSummary[]): string {
  const strategies: string[] = [];
  for (const s of summaries)
    for (const r of s.strategies) if (!strategies.includes(r.strategy)) strategies.push(r.strategy);
  const rows: string[][] = [["Vanilla", ...summaries.map((s) => pct(s.vanilla))]];
  for (const name of strategies) {
    rows.push([
      cell(strategyLabel(name)),
      ...summaries.map((s) => pct(s.strategies.find((r) => r.strategy === name)?.best.mean)),
    ]);
  }
  return table(["Method", ...summaries.map(columnLabel)], rows);
}

export function passAtKTable(summaries: EvalSummary[]): string {
  const ks = [...new Set(summaries.flatMap((s) => s.pass_at_k.map((p) => p.k)))].sort((a, b) => a - b);
  const rows = ks.map((k) => [
    `pass@${k}`,
    ...summaries.map((s) => pct(s.pass_at_k.find((p) => p.k === k)?.value)),
  ]);
  return table(["Metric", ...summaries.map((s) => cell(s.title))], rows);
}

function qualityCells(q: QualityRates): string[] {
  return [q.accuracy, q.f1, q.far, q.frr, q.precision, q.recall, q.fpr, q.fnr].map((v) => pct(v));
}

/** Appendix D layout: Acc / F1 / FAR / FRR (paper definitions), then precision, recall and the standard rates. */
export function testQualityTable(summaries: EvalSummary[]): string {
  const rows: string[][] = [];
  for (const s of summaries) {
    if (!s.test_quality) continue;
    rows.push([cell(s.title), "individual", ...qualityCells(s.test_quality.individual)]);
    rows.push([cell(s.title), "multiple", ...qualityCells(s.test_quality.multiple)]);
  }
  return table(["Run", "Unit tests", "Acc", "F1", "FAR", "FRR", "Precision", "Recall", "FPR", "FNR"], rows, [
    "---",
    "---",
    ...Array(8).fill("---:"),
  ]);
}

export function perProblemTable(s: EvalSummary): string {
  const names = s.options.strategies;
  const rows = s.problems.map((p) => [
    cell(p.task_id),
    String(p.solutions),
    String(p.tests),
    p.correct === null ? "—" : `${p.correct}/${p.labelled}`,
    String(p.missing),
    ...names.map((n) => {
      const credit = p.credit[n];
      const chosen = p.chosen[n] ?? [];
      const shown =
        chosen.length > 8 ? `${chosen.slice(0, 8).join(",")},… (${chosen.length})` : chosen.join(",");
      return `${pct(credit ?? null)} [${shown}]`;
    }),
  ]);
  return table(
    ["Problem", "N", "M", "Correct", "Missing", ...names.map((n) => cell(strategyLabel(n)))],
    rows,
    ["---", "---:", "---:", "---:", "---:", ...names.map(() => "---")],
  );
}

/** The whole report as Markdown. */
export function renderMarkdown(input: EvalSummary | EvalSummary[], options: MarkdownOptions = {}): string {
  const summaries = Array.isArray(input) ? input : [input];
  const h = "#".repeat(options.level ?? 2);
  const parts: string[] = [];
  parts.push(`${h} Best-of-n: pass@1 after selection (%)`, "", bestOfNTable(summaries), "");
  if (summaries.some((s) => s.pass_at_k.length > 0)) {
    parts.push(`${h} Without selection: pass@k (%)`, "", passAtKTable(summaries), "");
  }
  if (summaries.some((s) => s.test_quality)) {
    parts.push(
      `${h} Unit-test quality (%)`,
      "",
      testQualityTable(summaries),
      "",
      "FAR = FP/(FP+TP) and FRR = FN/(FN+TN) as in the paper (Appendix D); FPR = FP/(FP+TN) and FNR = FN/(FN+TP) are the standard rates.",
      "",
    );
  }
  const notes = summaries.flatMap((s) => s.notes.map((n) => (summaries.length > 1 ? `${s.title}: ${n}` : n)));
  if (notes.length > 0) parts.push(`${h} Notes`, "", ...notes.map((n) => `- ${cell(n)}`), "");
  if (options.perProblem !== false) {
    for (const s of summaries) {
      parts.push(
        `${h} Per problem${summaries.length > 1 ? `: ${cell(s.title)}` : ""}`,
        "",
        "Cells: mean bootstrap credit (%) [chosen set on the first n solutions and first m tests].",
        "",
        perProblemTable(s),
        "",
      );
    }
  }
  return parts.join("\n");
}
