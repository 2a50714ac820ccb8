/**
 * Build corrupted copies of real data files: the first `keep` lines of a (possibly gzipped) file, with
 * chosen lines broken in three ways (truncated JSON, a required field removed, a field of the wrong type).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "coderm-problems-"));
}

export function readRealLines(file: string, keep: number): string[] {
  const buf = readFileSync(file);
  const text = (file.endsWith(".gz") ? gunzipSync(buf) : buf).toString("utf8");
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .slice(0, keep);
}

export interface Breakage {
  /** 1-based line numbers of the broken lines, in file order. */
  badLines: number[];
  file: string;
}

/**
 * Write `lines` to `name` in a fresh temp dir with line 2 truncated (bad JSON), line 4 missing `field`,
 * line 5 with `field` set to a number; gzip when `name` ends in .gz. Needs at least 6 lines.
 */
export function writeCorrupted(lines: string[], name: string, field: string, wrong: unknown = 42): Breakage {
  const out = [...lines];
  out[1] = (out[1] as string).slice(0, 40);
  const missing = JSON.parse(out[3] as string) as Record<string, unknown>;
  delete missing[field];
  out[3] = JSON.stringify(missing);
  const typed = JSON.parse(out[4] as string) as Record<string, unknown>;
  typed[field] = wrong;
  out[4] = JSON.stringify(typed);
  const file = join(tempDir(), name);
  const text = `${out.join("\n")}\n`;
  writeFileSync(file, name.endsWith(".gz") ? gzipSync(text) : text);
  return { badLines: [2, 4, 5], file };
}

export function writeText(name: string, lines: string[]): string {
  const file = join(tempDir(), name);
  const text = `${lines.join("\n")}\n`;
  writeFileSync(file, name.endsWith(".gz") ? gzipSync(text) : text);
  return file;
}
