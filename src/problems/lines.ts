import { writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { gzip } from "node:zlib";

const gzipAsync = promisify(gzip);

/**
 * Write text lines (each already serialised) with a trailing newline; gzip when the name ends in `.gz`,
 * matching what `readLines` accepts, so every format can round-trip through compressed files.
 */
export async function writeLines(file: string, lines: Iterable<string>): Promise<void> {
  let text = "";
  for (const l of lines) text += `${l}\n`;
  const data = file.endsWith(".gz") ? await gzipAsync(Buffer.from(text, "utf8")) : text;
  await writeFile(file, data);
}

/** Write records as JSONL through `JSON.stringify` (gzip-aware, unlike `writeJsonl`). */
export async function writeRecords(file: string, records: Iterable<unknown>): Promise<void> {
  const lines: string[] = [];
  for (const r of records) lines.push(JSON.stringify(r));
  await writeLines(file, lines);
}
