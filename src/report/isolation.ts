import type { IsolationReport } from "../sandbox/index.js";

/**
 * The sandbox's isolation in one line, for every command that starts one: strong says so; weak names the
 * missing layers (the part a user must act on). `coderm doctor` prints the full per-layer report.
 */
export function isolationLine(r: IsolationReport): string {
  if (r.level === "strong") return `sandbox isolation: STRONG (python ${r.python})`;
  const missing = Object.entries(r.layers)
    .filter(([, l]) => !l.ok)
    .map(([k]) => k);
  return `sandbox isolation: WEAK, missing ${missing.join(", ")}: untrusted code runs with weaker isolation than intended (coderm doctor for details)`;
}
