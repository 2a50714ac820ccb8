/** Flag parsing and terminal progress shared by the commands (citty hands every flag over as a string). */
import { CodermError } from "../errors.js";
import { type EvalInputs, loadEvalInputs } from "../evaluate/eval-inputs.js";
import { type BadLine, formatBadLine } from "../io/jsonl.js";

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

/** Check an enumerated flag value; the error lists the choices. */
export function oneOf<T extends string>(
  value: string,
  choices: readonly T[],
  field: string,
  what: string,
): T {
  if (!(choices as readonly string[]).includes(value)) {
    throw new CodermError(
      "E_BAD_INPUT",
      `unknown ${what} "${value}" (one of ${choices.join(", ")})`,
      `--${field}`,
    );
  }
  return value as T;
}

/** Print the first `max` bad input lines as warnings; `flush()` says how many more were skipped. */
export function badLineWarner(max = 5): { onBadLine: (b: BadLine) => void; flush: () => void } {
  let shown = 0;
  return {
    onBadLine: (b) => {
      if (shown++ < max) console.error(`coderm: warning: ${formatBadLine(b)}`);
    },
    flush: () => {
      if (shown > max) console.error(`coderm: warning: ${shown - max} more bad lines`);
    },
  };
}

/** The input flags `coderm eval` and `coderm scale-eval` share, read with bad lines reported as warnings. */
export async function evalInputsFromFlags(args: {
  problems?: string;
  solutions?: string;
  tests?: string;
  results?: string;
  matrix?: string;
  labels?: string;
}): Promise<EvalInputs> {
  const warner = badLineWarner();
  const inputs = await loadEvalInputs({
    problems: args.problems,
    solutions: args.solutions,
    tests: args.tests,
    results: args.results,
    matrix: args.matrix,
    labels: args.labels,
    onBadLine: warner.onBadLine,
  });
  warner.flush();
  return inputs;
}

/**
 * Run long work that stops on Ctrl-C or SIGTERM: the signal aborts `work`'s AbortSignal (finished work is
 * kept, the same command resumes), and the handlers are removed afterwards.
 */
export async function untilStopped<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const stop = new AbortController();
  const onSignal = () => {
    process.stderr.write("\ncoderm: stopping; finished work is kept — rerun the same command to resume\n");
    stop.abort();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    return await work(stop.signal);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
