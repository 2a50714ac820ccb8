/** Flag parsing and terminal progress shared by the commands (citty hands every flag over as a string). */
import { CodermError } from "../errors.js";

export interface NumberFlagOptions {
  /** Smallest allowed value (inclusive). */
  min?: number;
  /** Must be greater than zero. */
  positive?: boolean;
  int?: boolean;
}

/** A numeric flag, or undefined when absent; a bad value is a one-line error naming the flag. */
export function numberFlag(
  value: string | undefined,
  field: string,
  o: NumberFlagOptions = {},
): number | undefined {
  if (value === undefined || value === "") return undefined;
  const v = Number(value);
  const bad =
    !Number.isFinite(v) ||
    (o.int === true && !Number.isInteger(v)) ||
    (o.min !== undefined && v < o.min) ||
    (o.positive === true && v <= 0);
  if (bad) {
    const kind = o.int ? "an integer" : "a number";
    const bound = o.positive ? " > 0" : o.min !== undefined ? ` ≥ ${o.min}` : "";
    throw new CodermError("E_BAD_INPUT", `must be ${kind}${bound}, got "${value}"`, `--${field}`);
  }
  return v;
}

/** A comma-separated list flag. */
export function listFlag(value: string | undefined): string[] | undefined {
  if (!value) return undefined;
  return value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A one-line `label done/total` counter on a terminal (at most 10 redraws a second); silent otherwise. */
export function ttyProgress(label: string): (done: number, total: number) => void {
  if (!process.stderr.isTTY) return () => {};
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (done < total && now - last < 100) return;
    last = now;
    process.stderr.write(`\r${label} ${done}/${total}${done === total ? "\n" : ""}`);
  };
}
