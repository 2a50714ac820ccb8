/** Extraction applied to whole sample records (the on-disk shapes of records.ts). */
import type { UnitTestSample } from "../records.js";
import { dedupeTests } from "./unit-test.js";

/**
 * CodeRM drops a task's unit tests whose extracted text repeats an earlier one. Here the repeat stays
 * in place with `test: null` and `rejected: "duplicate of test #i"` (i = the kept sample's index), so
 * counts still add up. Order of input is kept; "earlier" means earlier in the input.
 */
export function markDuplicateTests(samples: readonly UnitTestSample[]): {
  samples: UnitTestSample[];
  duplicates: number;
} {
  const out = samples.map((s) => ({ ...s }));
  const byTask = new Map<string, number[]>();
  out.forEach((s, i) => {
    if (s.test === null) return;
    const list = byTask.get(s.task_id) ?? [];
    list.push(i);
    byTask.set(s.task_id, list);
  });
  let duplicates = 0;
  for (const positions of byTask.values()) {
    const texts = positions.map((i) => out[i]?.test ?? "");
    for (const d of dedupeTests(texts).dropped) {
      const sample = out[positions[d.index] as number];
      const kept = out[positions[d.duplicateOf] as number];
      if (!sample || !kept) continue;
      sample.test = null;
      sample.rejected = `duplicate of test #${kept.index}`;
      duplicates++;
    }
  }
  return { samples: out, duplicates };
}
