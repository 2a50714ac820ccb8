/**
 * What every interop reader shares: the result shape (records + bad lines) and the strict/skip policy for
 * problems found after a line parsed (a join that fails, a record the format forbids).
 */
import type { z } from "zod";
import { CodermError } from "../errors.js";
import { type BadLine, describeZodError, type ReadOptions, readLines } from "../io/jsonl.js";

export type { BadLine, ReadOptions };

/** Records read from one file (or a join of files) and the lines that could not be used. */
export interface Loaded<T> {
  records: T[];
  bad: BadLine[];
}

/** Record a bad line found after parsing: throw in strict mode, else keep it and tell the listener. */
export function reject(bad: BadLine[], entry: BadLine, options: ReadOptions): void {
  if (options.strict) throw new CodermError("E_BAD_LINE", entry.reason, `${entry.file}:${entry.line}`);
  bad.push(entry);
  options.onBadLine?.(entry);
}

/** Returned by a `build` callback to turn a well-formed line into a bad line (a failed join, a bad blob). */
export class Rejected {
  constructor(readonly reason: string) {}
}

/**
 * Like `readJsonl`, but with a caller-chosen line parser (Python's JSON dialect for EvalPlus) and a hook
 * that sees the raw line, so a reader can keep exact source text next to the validated record.
 */
export async function readJsonlWith<S extends z.ZodType, T>(
  file: string,
  schema: S,
  parse: (text: string) => unknown,
  build: (record: z.output<S>, text: string, line: number) => T | Rejected,
  options: ReadOptions = {},
): Promise<Loaded<T> & { lines: number[] }> {
  const out: Loaded<T> & { lines: number[] } = { records: [], bad: [], lines: [] };
  for await (const { line, text } of readLines(file)) {
    if (text.trim() === "") continue;
    let value: unknown;
    try {
      value = parse(text);
    } catch (e) {
      reject(out.bad, { file, line, reason: `invalid JSON (${(e as Error).message})` }, options);
      continue;
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      reject(out.bad, { file, line, reason: describeZodError(parsed.error) }, options);
      continue;
    }
    const built = build(parsed.data, text, line);
    if (built instanceof Rejected) {
      reject(out.bad, { file, line, reason: built.reason }, options);
      continue;
    }
    out.records.push(built);
    out.lines.push(line);
  }
  return out;
}
