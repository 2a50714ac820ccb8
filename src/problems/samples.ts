/**
 * Hooks that let interop readers apply extraction without depending on `src/extract/`: the caller passes
 * the extractor, the reader records its verdict (text or rejection reason) on the sample.
 */

/** What an extractor made of one raw text: the program/test, or null and why it was rejected. */
export interface Extracted {
  text: string | null;
  rejected?: string;
}

/** Extract code (a solution or a unittest class) from a raw model response. */
export type Extractor = (raw: string, taskId: string) => Extracted;

/** What an assert-case extractor made of one CodeT test sample. */
export interface ExtractedCases {
  cases: string[];
  rejected?: string;
}

/** Split a CodeT test sample (the text after the prompt's trailing `assert `) into assert cases. */
export type CaseExtractor = (raw: string, taskId: string) => ExtractedCases;

/** Group records by task_id, keeping first-appearance order of tasks and of records within a task. */
export function groupByTask<T extends { task_id: string }>(records: Iterable<T>): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of records) {
    const list = out.get(r.task_id);
    if (list) list.push(r);
    else out.set(r.task_id, [r]);
  }
  return out;
}

/** Records of each task in index order (the order writers emit them). */
export function sortedByIndex<T extends { task_id: string; index: number }>(
  records: Iterable<T>,
): Map<string, T[]> {
  const g = groupByTask(records);
  for (const list of g.values()) list.sort((a, b) => a.index - b.index);
  return g;
}
