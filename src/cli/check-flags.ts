/**
 * Every command's flags checked before it runs: an unknown flag is an error with a "did you mean", and every
 * flag declared with a range (`numberArg`) is validated up front, so nothing starts (no run directory, no
 * sandbox) on a bad value. citty alone ignores unknown flags and hands numbers over unchecked.
 */
import { type ArgsDef, parseArgs } from "citty";
import { CodermError } from "../errors.js";
import { type NumberFlagOptions, numberFlag } from "./flags.js";

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Edit distance, for "did you mean"; flag names are short so the quadratic table is fine. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** The closest declared flag, if it is close enough to be a typo (or `name` is a prefix of it). */
export function closestFlag(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = k.startsWith(name) && name.length >= 3 ? 0.5 : distance(name, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return bestD <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

/** Throw one line for the first unknown flag or out-of-range value in `rawArgs` (the command's own args). */
export function checkFlags(args: ArgsDef | undefined, rawArgs: string[]): void {
  const defs = args ?? {};
  const accepted = new Set<string>(["_", "help", "h", "version", "v"]);
  for (const [name, def] of Object.entries(defs)) {
    accepted.add(name).add(camel(name));
    const alias = "alias" in def ? def.alias : undefined;
    for (const a of typeof alias === "string" ? [alias] : (alias ?? [])) accepted.add(a);
  }
  // Required flags are citty's to report, after this check: a typo in a flag name comes first.
  const loose = Object.fromEntries(Object.entries(defs).map(([k, d]) => [k, { ...d, required: false }]));
  const parsed = parseArgs(rawArgs, loose) as Record<string, unknown>;
  const unknown = Object.keys(parsed).filter((k) => !accepted.has(k));
  // citty adds a camelCase twin of every kebab key; report the spelling the user typed.
  const typed = unknown.find((k) => !unknown.some((o) => o !== k && camel(o) === k));
  if (typed !== undefined) {
    const flag = typed.length === 1 ? `-${typed}` : `--${typed}`;
    const names = Object.entries(defs)
      .filter(([, d]) => d.type !== "positional")
      .map(([n]) => n);
    const hint = closestFlag(typed, names);
    throw new CodermError(
      "E_BAD_INPUT",
      `unknown flag${hint ? `; did you mean --${hint}?` : " (see --help)"}`,
      flag,
    );
  }
  for (const [name, def] of Object.entries(defs)) {
    const range = (def as { range?: NumberFlagOptions }).range;
    const value = parsed[name];
    if (range && value !== undefined) numberFlag(String(value), name, range);
  }
}
