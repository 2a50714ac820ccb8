/**
 * One error class for every boundary. The CLI prints `coderm: <message>` and exits 1 for these;
 * anything else is a bug and prints a stack.
 */
export type ErrorCode =
  | "E_BAD_LINE" // a JSONL line failed validation
  | "E_BAD_INPUT" // a file or flag is unusable (missing, wrong shape)
  | "E_CONFIG" // a config file failed validation
  | "E_SERVER" // the model server failed past retries
  | "E_SANDBOX" // the sandbox could not start or lost a worker
  | "E_ISOLATION" // isolation weaker than required
  | "E_STORE" // SQLite store problems
  | "E_QUEUE" // Redis unreachable or misconfigured, or a queue run lost Redis
  | "E_NO_GROUND_TRUTH" // a step needs labels the benchmark lacks
  | "E_LOCKED" // another process holds the run directory
  | "E_OUTPUT" // an output path cannot be written (read-only, a directory, disk full)
  | "E_INTERRUPTED"; // the user stopped the run

export class CodermError extends Error {
  override readonly name = "CodermError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Where the problem is: `file:line`, a file, or a field path. */
    readonly where?: string,
    options?: { cause?: unknown },
  ) {
    super(where ? `${where}: ${message}` : message, options);
  }
}

export function isCodermError(e: unknown): e is CodermError {
  return e instanceof CodermError;
}
