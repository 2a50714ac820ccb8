/**
 * Checks across input files that would otherwise fail silently: a results file of the wrong kind read as
 * all bad lines, a task in the samples that no problem has, a task id given twice. One copy of each rule;
 * the readers and `rank`/`run`/`eval`/`extract` call them, so a library user gets the same one-line errors.
 */
import { CodermError } from "./errors.js";
import type { BadLine } from "./io/jsonl.js";

/**
 * A file whose every non-empty line was rejected is not the kind of file the flag expects (e.g. a pass
 * matrix given as `--results`): go on and the output is computed from nothing, with exit 0.
 */
export function requireSomeRecords(
  file: string,
  read: { records: readonly unknown[]; bad: readonly BadLine[] },
  expected: string,
  hint = "",
): void {
  const first = read.bad[0];
  if (read.records.length > 0 || first === undefined) return;
  throw new CodermError(
    "E_BAD_INPUT",
    `no line is ${expected}: all ${read.bad.length} were rejected (line ${first.line}: ${first.reason})${hint}`,
    file,
  );
}

/** A problem set that names a task twice would rank and print it twice. */
export function requireUniqueTasks(problems: readonly { task_id: string }[], file: string): void {
  const seen = new Map<string, number>();
  problems.forEach((p, i) => {
    const before = seen.get(p.task_id);
    if (before !== undefined) {
      throw new CodermError(
        "E_BAD_INPUT",
        `task_id "${p.task_id}" is given twice (problems ${before + 1} and ${i + 1})`,
        file,
      );
    }
    seen.set(p.task_id, i);
  });
}

/**
 * Every task of `records` must be one of the problems: a sample for an unknown task (another benchmark's
 * file, a renamed task) would otherwise vanish from the ranking without a word.
 */
export function requireKnownTasks(
  records: Iterable<{ task_id: string }>,
  known: ReadonlySet<string>,
  file: string,
  problems: string,
): void {
  const unknown = new Set<string>();
  for (const r of records) if (!known.has(r.task_id)) unknown.add(r.task_id);
  const first = unknown.values().next().value;
  if (first === undefined) return;
  const more = unknown.size > 1 ? ` (and ${unknown.size - 1} more tasks)` : "";
  throw new CodermError(
    "E_BAD_INPUT",
    `task "${first}"${more} is not among the problems of ${problems}`,
    file,
  );
}
