/**
 * EvalPlus's samples format (what `evalplus.evaluate --samples` reads): one `{task_id, solution}` line per
 * sample with the full program, or `{task_id, completion}` to be appended to the task's prompt. A sample's
 * index within its task is its order of appearance, as in EvalPlus.
 */
import { z } from "zod";
import { type Loaded, type ReadOptions, Rejected, readJsonlWith, writeJsonl } from "../io/jsonl.js";
import type { Problem, SolutionSample } from "../records.js";
import { sortedByIndex } from "./samples.js";

const SampleLine = z
  .looseObject({
    task_id: z.string().min(1),
    solution: z.string().optional(),
    completion: z.string().optional(),
  })
  .refine((r) => r.solution !== undefined || r.completion !== undefined, {
    message: "needs a string `solution` or `completion`",
  });

export interface EvalPlusSamplesOptions extends ReadOptions {
  /** Problems whose prompts complete `completion` lines (required when the file has any). */
  problems?: Iterable<Problem>;
}

/** Read an EvalPlus samples file into solution samples. */
export async function readEvalPlusSamples(
  file: string,
  options: EvalPlusSamplesOptions = {},
): Promise<Loaded<SolutionSample>> {
  const prompts = new Map<string, string>();
  for (const p of options.problems ?? []) prompts.set(p.task_id, p.prompt);
  const next = new Map<string, number>();
  const read = await readJsonlWith(
    file,
    SampleLine,
    JSON.parse,
    (r): SolutionSample | Rejected => {
      let solution = r.solution;
      if (solution === undefined) {
        const prompt = prompts.get(r.task_id);
        if (prompt === undefined) {
          return new Rejected(
            options.problems
              ? `completion for unknown task ${r.task_id}`
              : "a `completion` line needs the problems (pass problems / --benchmark)",
          );
        }
        solution = prompt + (r.completion as string);
      }
      const index = next.get(r.task_id) ?? 0;
      next.set(r.task_id, index + 1);
      return { task_id: r.task_id, index, solution };
    },
    options,
  );
  return { records: read.records, bad: read.bad };
}

/**
 * Write `{task_id, solution}` lines in index order per task. EvalPlus has no way to say "no program", so
 * a null solution is written as an empty program (it fails, keeping later indices aligned).
 */
export async function writeEvalPlusSamples(file: string, samples: Iterable<SolutionSample>): Promise<void> {
  const lines: unknown[] = [];
  for (const list of sortedByIndex(samples).values()) {
    for (const s of list) lines.push({ task_id: s.task_id, solution: s.solution ?? "" });
  }
  await writeJsonl(file, lines);
}
