/** Flag parsing and terminal progress shared by the commands (citty hands every flag over as a string). */
import { CodermError } from "../errors.js";
import { type EvalInputFiles, type EvalInputs, loadEvalInputs } from "../evaluate/eval-inputs.js";
import { type BadLine, formatBadLine } from "../io/jsonl.js";

export interface NumberFlagOptions {
  /** Smallest allowed value (inclusive). */
  min?: number;
  /** Must be greater than zero. */
  positive?: boolean;
  /** Largest allowed value (inclusive). */
  max?: number;
  int?: boolean;
  /** Unit named in the message (`s`). */
  unit?: string;
}

/** The allowed range in words: `an integer ≥ 1`, `in (0, 3600] s`. */
function rangeWords(o: NumberFlagOptions): string {
  const unit = o.unit ? ` ${o.unit}` : "";
  const low = o.positive ? 0 : o.min;
  if (low !== undefined && o.max !== undefined)
    return `${o.int ? "an integer " : ""}in ${o.positive ? "(" : "["}${low}, ${o.max}]${unit}`;
  const kind = o.int ? "an integer" : "a number";
  const bound = o.positive ? " > 0" : o.min !== undefined ? ` ≥ ${o.min}` : "";
  return `${kind}${bound}${unit}`;
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
    typeof value !== "string" ||
    value.trim() === "" ||
    !Number.isFinite(v) ||
    (o.int === true && !Number.isInteger(v)) ||
    (o.min !== undefined && v < o.min) ||
    (o.max !== undefined && v > o.max) ||
    (o.positive === true && v <= 0);
  if (bad) throw new CodermError("E_BAD_INPUT", `must be ${rangeWords(o)}, got "${value}"`, `--${field}`);
  return v;
}

/** A numeric flag's declaration: citty's string arg plus the range every reader of it checks. */
export interface NumberArgDef {
  type: "string";
  description: string;
  valueHint?: string;
  range: NumberFlagOptions;
}

export function numberArg(description: string, range: NumberFlagOptions, valueHint?: string): NumberArgDef {
  return { type: "string", description, range, ...(valueHint ? { valueHint } : {}) };
}

/** Longest per-pair budget a flag accepts: past it Node's timers overflow and every pair reads as a crash. */
const MAX_SECONDS = 3600;

/**
 * The sandbox flags, declared once for every command that runs pairs. A command spreads `sandboxArgs` into
 * its args (overriding a description where its unit differs) and reads them with `sandboxFromFlags`.
 */
export const sandboxArgs = {
  workers: numberArg("sandbox workers (default: CPUs)", { int: true, min: 1 }, "n"),
  timeout: numberArg(
    "seconds per unittest pair (default 1)",
    { positive: true, max: MAX_SECONDS, unit: "s" },
    "s",
  ),
  "require-isolation": { type: "boolean", description: "fail unless every sandbox isolation layer is on" },
} as const;

/** The model-server flags `run` and `synth` share (`generate` spreads them with its own descriptions). */
export const modelArgs = {
  "base-url": {
    type: "string",
    description: "OpenAI-compatible server for both models (default $OPENAI_BASE_URL)",
  },
  "api-key-env": { type: "string", description: "environment variable holding the API key" },
  retries: numberArg("retries per sample on 429/5xx/timeouts/resets (default 6)", { int: true, min: 0 }),
} as const;

/** `--strict`: every command that skips bad input lines stops at the first one instead. */
export const strictArg = { type: "boolean", description: "stop at the first bad input line" } as const;

/** The per-assert budget of `exec` and the queue; same bounds as --timeout. */
export const assertTimeoutArg = numberArg(
  "seconds per assert case (default 0.1)",
  { positive: true, max: MAX_SECONDS, unit: "s" },
  "s",
);

export interface SandboxFlags {
  workers?: number;
  timeout?: number;
  requireIsolation: boolean;
}

/** The sandbox flags as settings; absent flags stay undefined so config files and defaults apply. */
export function sandboxFromFlags(args: {
  workers?: string;
  timeout?: string;
  "require-isolation"?: boolean;
}): SandboxFlags {
  const out: SandboxFlags = { requireIsolation: args["require-isolation"] === true };
  const workers = numberFlag(args.workers, "workers", sandboxArgs.workers.range);
  const timeout = numberFlag(args.timeout, "timeout", sandboxArgs.timeout.range);
  if (workers !== undefined) out.workers = workers;
  if (timeout !== undefined) out.timeout = timeout;
  return out;
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
export async function evalInputsFromFlags(args: Omit<EvalInputFiles, "onBadLine">): Promise<EvalInputs> {
  const warner = badLineWarner();
  const { problems, solutions, tests, results, matrix, labels } = args;
  // Picked field by field: citty's args carry every other flag of the command too.
  const inputs = await loadEvalInputs({
    problems,
    solutions,
    tests,
    results,
    matrix,
    labels,
    onBadLine: warner.onBadLine,
  });
  warner.flush();
  return inputs;
}

export interface StopOptions {
  /** Said on the first signal (default: finished work is kept, rerun to resume). */
  message?: string;
  /** Called on the first signal after the abort, e.g. to kill sandbox workers at once. */
  onStop?: () => void;
}

/**
 * Run long work that stops on Ctrl-C or SIGTERM: the first signal aborts `work`'s AbortSignal (queued and
 * in-flight work stops, finished work is kept, the same command resumes; the command then fails with
 * `E_INTERRUPTED`, exit 130). A second signal exits at once with 128 + signal number: a user pressing Ctrl-C
 * again wants out now, not after a flush.
 */
export async function untilStopped<T>(
  work: (signal: AbortSignal) => Promise<T>,
  options: StopOptions = {},
): Promise<T> {
  const stop = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      process.stderr.write("\ncoderm: stopped\n");
      process.exit(sig === "SIGTERM" ? 143 : 130);
    }
    process.stderr.write(
      `\ncoderm: stopping; ${options.message ?? "finished work is kept — rerun the same command to resume"} (Ctrl-C again to quit now)\n`,
    );
    stop.abort();
    options.onStop?.();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await work(stop.signal);
  } finally {
    // Once stopping, the handler stays: a second Ctrl-C during the cleanup that follows still exits at once.
    if (!stop.signal.aborted) {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  }
}
