import { createReadStream, existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip, createGzip } from "node:zlib";
import type { z } from "zod";
import { CodermError } from "../errors.js";
import { openOutput, writeFileAtomic } from "./output.js";

/** A line that could not be read, kept so the caller can report it in its summary. */
export interface BadLine {
  file: string;
  line: number;
  reason: string;
}

export interface ReadOptions {
  /** Stop at the first bad line (throws `E_BAD_LINE`); the default skips it and records it. */
  strict?: boolean;
  /** Called for every bad line as it is found (e.g. to print a warning). */
  onBadLine?: (bad: BadLine) => void;
}

export interface ReadResult<T> {
  records: T[];
  /** 1-based source line of each record, parallel to `records`. */
  lines: number[];
  bad: BadLine[];
}

export function formatBadLine(b: BadLine): string {
  return `${b.file}:${b.line}: ${b.reason}`;
}

/** Render a zod error as `field.path: message; ...` so users see which field is wrong. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length > 0 ? i.path.join(".") : "(record)"}: ${i.message}`)
    .join("; ");
}

/** Iterate raw text lines of a JSONL file (gzip when the name ends in .gz), 1-based line numbers. */
export async function* readLines(file: string): AsyncGenerator<{ line: number; text: string }> {
  if (!existsSync(file)) throw new CodermError("E_BAD_INPUT", "file not found", file);
  const raw = createReadStream(file);
  const input = file.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
  const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  try {
    for await (const text of rl) {
      line++;
      yield { line, text };
    }
  } catch (e) {
    throw new CodermError("E_BAD_INPUT", `cannot read: ${(e as Error).message}`, `${file}:${line + 1}`, {
      cause: e,
    });
  }
}

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

/** Returned by a `check` callback to turn a well-formed line into a bad line (a failed join, a bad blob). */
export class Rejected {
  constructor(readonly reason: string) {}
}

/**
 * The one JSONL reading loop, with a caller-chosen line parser (Python's JSON dialect for EvalPlus) and a
 * `build` hook that sees the raw line, so a reader can keep exact source text next to the validated
 * record or reject a well-formed line (`Rejected`). Blank lines are ignored; a bad line never loses the
 * good ones: it is reported as `file:line: reason` and skipped (or thrown with `strict`).
 */
export async function readJsonlWith<S extends z.ZodType, T>(
  file: string,
  schema: S,
  parse: (text: string) => unknown,
  build: (record: z.output<S>, text: string, line: number) => T | Rejected,
  options: ReadOptions = {},
): Promise<ReadResult<T>> {
  const out: ReadResult<T> = { records: [], lines: [], bad: [] };
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

/** Read a JSONL file, validating each line with `schema` (bad lines as in `readJsonlWith`). */
export async function readJsonl<S extends z.ZodType>(
  file: string,
  schema: S,
  options: ReadOptions = {},
): Promise<ReadResult<z.output<S>>> {
  return readJsonlWith(file, schema, JSON.parse, (r) => r, options);
}

export interface WriteOptions {
  /**
   * Kept for callers that ask for it: every write now goes through a temporary sibling and a rename
   * (`io/output.ts`), so a kill or a failure never leaves half a file or replaces a good one.
   */
  atomic?: boolean;
}

/**
 * Write text lines (each already serialised, no newline) with a trailing newline each; gzip when the name
 * ends in `.gz`, matching what `readLines` accepts, so every format round-trips through compressed files.
 * Streams, so a large file never sits in memory whole; filesystem errors are one `E_OUTPUT` line.
 */
export async function writeLines(
  file: string,
  lines: Iterable<string>,
  _options: WriteOptions = {},
): Promise<void> {
  const out = openOutput(file, file.endsWith(".gz") ? { transform: createGzip() } : {});
  try {
    // Joined into ~64 KiB chunks: one stream write per line costs more than the serialising.
    let chunk = "";
    for (const l of lines) {
      chunk += `${l}\n`;
      if (chunk.length >= 65536) {
        await out.write(chunk);
        chunk = "";
      }
    }
    if (chunk !== "") await out.write(chunk);
  } catch (e) {
    out.abort();
    throw e;
  }
  await out.close();
}

/** Write a whole text file through a temporary file and a rename, so readers never see half of it. */
export function writeTextAtomic(file: string, text: string): void {
  writeFileAtomic(file, text);
}

/** Write records as JSONL (one `JSON.stringify` per line); gzip-aware like `writeLines`. */
export async function writeJsonl(
  file: string,
  records: Iterable<unknown>,
  options: WriteOptions = {},
): Promise<void> {
  await writeLines(
    file,
    mapIter(records, (r) => JSON.stringify(r)),
    options,
  );
}

function* mapIter<T, U>(items: Iterable<T>, f: (x: T) => U): Iterable<U> {
  for (const x of items) yield f(x);
}
