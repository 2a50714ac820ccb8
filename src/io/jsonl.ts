import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import type { z } from "zod";
import { CodermError } from "../errors.js";

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

/**
 * Read a JSONL file, validating each line with `schema`. Blank lines are ignored. A bad line never
 * loses the good ones: it is reported as `file:line: reason` and skipped (or thrown with `strict`).
 */
export async function readJsonl<S extends z.ZodType>(
  file: string,
  schema: S,
  options: ReadOptions = {},
): Promise<ReadResult<z.output<S>>> {
  const out: ReadResult<z.output<S>> = { records: [], lines: [], bad: [] };
  for await (const { line, text } of readLines(file)) {
    if (text.trim() === "") continue;
    let reason: string | undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      reason = `invalid JSON (${(e as Error).message})`;
    }
    if (reason === undefined) {
      const parsed = schema.safeParse(value);
      if (parsed.success) {
        out.records.push(parsed.data);
        out.lines.push(line);
        continue;
      }
      reason = describeZodError(parsed.error);
    }
    const bad = { file, line, reason };
    if (options.strict) throw new CodermError("E_BAD_LINE", reason, `${file}:${line}`);
    out.bad.push(bad);
    options.onBadLine?.(bad);
  }
  return out;
}

/** Write records as JSONL (one JSON object per line, trailing newline). */
export async function writeJsonl(file: string, records: Iterable<unknown>): Promise<void> {
  const ws = createWriteStream(file);
  for (const r of records) {
    if (!ws.write(`${JSON.stringify(r)}\n`)) await new Promise<void>((res) => ws.once("drain", () => res()));
  }
  await new Promise<void>((res, rej) => {
    ws.once("error", rej);
    ws.end(res);
  });
}
