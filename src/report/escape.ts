/**
 * Escaping for every text that reaches a report: problem ids, strategy names and code come from
 * user files, so nothing is interpolated raw.
 */

const XML: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escape for HTML/SVG text and double- or single-quoted attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML[c] ?? c);
}

/**
 * Escape a Markdown table cell: pipes would split the cell, newlines would end the row, and
 * backslashes, backticks, `*`, `_`, `[`, `]`, `<`, `>` would start formatting or raw HTML.
 */
export function escapeMarkdownCell(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`);
}

/** A fraction as a percentage with two decimals, the paper's style ("72.01"); "—" when absent. */
export function pct(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return (value * 100).toFixed(digits);
}
