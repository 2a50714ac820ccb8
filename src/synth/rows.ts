/**
 * Rows of a dataset file, whatever its container: JSONL (optionally gzipped), a JSON array, or parquet.
 * Parquet goes through hyparquet (pure JS, no native build, MIT, kept by Hyperparam with a grant from
 * Hugging Face, whose datasets it is meant for; snappy built in, zstd/gzip/brotli/lz4 through
 * hyparquet-compressors). It is read one row group at a time, so a 60 k-row CodeRM-UnitTest split never
 * sits in memory twice. Every row carries where it came from (`file:line` or `file: row N`) so a bad
 * field can be named in one line.
 */
import { readFileSync } from "node:fs";
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { CodermError } from "../errors.js";
import { readLines } from "../io/jsonl.js";

export interface Row {
  /** `file:line` (JSONL) or `file: row N` (parquet, JSON array; 1-based). */
  where: string;
  value: Record<string, unknown>;
}

export type RowFormat = "jsonl" | "json" | "parquet";

export function rowFormatOf(file: string): RowFormat {
  if (/\.parquet$/i.test(file)) return "parquet";
  if (/\.json$/i.test(file)) return "json";
  return "jsonl";
}

/** Rows of `file`; a line that is not a JSON object is yielded as `{where, error}` for the caller to report. */
export async function* readRows(file: string): AsyncGenerator<Row | { where: string; error: string }> {
  const format = rowFormatOf(file);
  if (format === "parquet") {
    yield* parquetRows(file);
    return;
  }
  if (format === "json") {
    let all: unknown;
    try {
      all = JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
      throw new CodermError("E_BAD_INPUT", `invalid JSON (${(e as Error).message})`, file);
    }
    if (!Array.isArray(all)) throw new CodermError("E_BAD_INPUT", "expected a JSON array of objects", file);
    for (let i = 0; i < all.length; i++) {
      const v = all[i] as unknown;
      const where = `${file}: row ${i + 1}`;
      if (v && typeof v === "object" && !Array.isArray(v))
        yield { where, value: v as Record<string, unknown> };
      else yield { where, error: "not a JSON object" };
    }
    return;
  }
  for await (const { line, text } of readLines(file)) {
    if (text.trim() === "") continue;
    const where = `${file}:${line}`;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      yield { where, error: `invalid JSON (${(e as Error).message})` };
      continue;
    }
    if (v && typeof v === "object" && !Array.isArray(v)) yield { where, value: v as Record<string, unknown> };
    else yield { where, error: "not a JSON object" };
  }
}

async function* parquetRows(file: string): AsyncGenerator<Row> {
  let buffer: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    buffer = await asyncBufferFromFile(file);
    metadata = await parquetMetadataAsync(buffer);
  } catch (e) {
    throw new CodermError("E_BAD_INPUT", `not a readable parquet file (${(e as Error).message})`, file);
  }
  let start = 0;
  for (const group of metadata.row_groups) {
    const end = start + Number(group.num_rows);
    const rows = await parquetReadObjects({
      file: buffer,
      metadata,
      rowStart: start,
      rowEnd: end,
      compressors,
    });
    for (let i = 0; i < rows.length; i++) {
      yield { where: `${file}: row ${start + i + 1}`, value: rows[i] as Record<string, unknown> };
    }
    start = end;
  }
}
