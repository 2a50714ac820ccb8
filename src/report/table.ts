import type { EvalSummary } from "../evaluate/summary-types.js";
import { strategyLabel } from "./names.js";

const pct = (v: number | null | undefined) => (v === null || v === undefined ? "n/a" : (100 * v).toFixed(2));

/** The run's headline table: vanilla pass@1 and best-of-n per strategy, as the paper reports them. */
export function formatTable(s: EvalSummary): string {
  const rows: [string, string][] = [["Vanilla (pass@1 of a random sample)", pct(s.vanilla)]];
  for (const r of s.strategies)
    rows.push([`${strategyLabel(r.strategy)} (best of ${r.best.n}, ${r.best.m} tests)`, pct(r.best.mean)]);
  const w = Math.max(...rows.map((r) => r[0].length), 6);
  const lines = [`${s.title}: ${s.counts.problems} problems, ${s.counts.labelled_problems} labelled`];
  lines.push(`| ${"Method".padEnd(w)} | pass@1 |`, `| ${"-".repeat(w)} | ------ |`);
  for (const [k, v] of rows) lines.push(`| ${k.padEnd(w)} | ${v.padStart(6)} |`);
  for (const n of s.notes) lines.push(`note: ${n}`);
  return lines.join("\n");
}
