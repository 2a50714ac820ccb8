/** Extraction applied to whole sample records (the on-disk shapes of records.ts). */
import type { SolutionSample, UnitTestSample } from "../records.js";
import { extractCode } from "./code-blocks.js";
import { dedupeTests, extractUnitTest } from "./unit-test.js";

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

/** Raw responses of one task, as a generation run returns them (null text: the sample failed). */
export interface TaskResponses {
  taskId: string;
  samples: ReadonlyArray<{ index: number; text: string | null; error?: string }>;
}

export interface SamplesFromResponses<T> {
  samples: T[];
  /** Samples that never got a response (`rejected: "generation failed: …"`). */
  failed: number;
  /** Responses extraction rejected, by reason (duplicates included). */
  rejected: Record<string, number>;
}

/**
 * Model responses → sample records: the stage rule `coderm generate` and `run()` share. Every response
 * yields one record, extracted text or null with why; a failed request keeps its slot; a unit test whose
 * text repeats an earlier one of its task is marked by `markDuplicateTests`. Call `initPython()` first.
 */
export function samplesFromResponses(
  role: "policy",
  responses: Iterable<TaskResponses>,
): SamplesFromResponses<SolutionSample>;
export function samplesFromResponses(
  role: "tester",
  responses: Iterable<TaskResponses>,
): SamplesFromResponses<UnitTestSample>;
export function samplesFromResponses(
  role: "policy" | "tester",
  responses: Iterable<TaskResponses>,
): SamplesFromResponses<SolutionSample> | SamplesFromResponses<UnitTestSample> {
  const rejected: Record<string, number> = {};
  let failed = 0;
  const solutions: SolutionSample[] = [];
  const tests: UnitTestSample[] = [];
  for (const job of responses) {
    for (const s of job.samples) {
      const base = { task_id: job.taskId, index: s.index };
      if (s.text === null) {
        failed++;
        const why = { rejected: `generation failed: ${s.error ?? "unknown"}` };
        if (role === "policy") solutions.push({ ...base, solution: null, ...why });
        else tests.push({ ...base, format: "unittest", test: null, ...why });
        continue;
      }
      const x = role === "policy" ? extractCode(s.text) : extractUnitTest(s.text);
      if (!x.ok) rejected[x.reason] = (rejected[x.reason] ?? 0) + 1;
      const why = x.ok ? {} : { rejected: x.reason };
      const text = x.ok ? x.text : null;
      if (role === "policy") solutions.push({ ...base, solution: text, ...why, response: s.text });
      else tests.push({ ...base, format: "unittest", test: text, ...why, response: s.text });
    }
  }
  if (role === "policy") return { samples: solutions, failed, rejected };
  const marked = markDuplicateTests(tests);
  if (marked.duplicates > 0) rejected["duplicate unit test"] = marked.duplicates;
  return { samples: marked.samples, failed, rejected };
}
