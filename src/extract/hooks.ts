/**
 * Adapters from this stage's extractors to the hooks the interop readers take (`src/problems/`:
 * `Extractor`, `CaseExtractor`), typed structurally so neither stage imports the other.
 */
import { type CodeOptions, extractCode } from "./code-blocks.js";
import { type AssertCaseOptions, extractAssertCases } from "./codet.js";
import { extractUnitTest, type UnitTestOptions } from "./unit-test.js";

export type SampleExtractor = (raw: string, taskId: string) => { text: string | null; rejected?: string };
export type SampleCaseExtractor = (raw: string, taskId: string) => { cases: string[]; rejected?: string };

/** A solution extractor for readers of raw responses (`readCodermResponses`, `readCodermSolutions`). */
export function solutionExtractor(options: CodeOptions = {}): SampleExtractor {
  return (raw) => {
    const x = extractCode(raw, options);
    return x.ok ? { text: x.text } : { text: null, rejected: x.reason };
  };
}

/**
 * A unit-test extractor; `entryPoints` (task_id → entry point) lets it drop imports that would
 * shadow the candidate's function.
 */
export function unitTestExtractor(
  options: Omit<UnitTestOptions, "entryPoint"> = {},
  entryPoints?: ReadonlyMap<string, string>,
): SampleExtractor {
  return (raw, taskId) => {
    const entryPoint = entryPoints?.get(taskId);
    const x = extractUnitTest(raw, entryPoint === undefined ? options : { ...options, entryPoint });
    return x.ok ? { text: x.text } : { text: null, rejected: x.reason };
  };
}

/** A CodeT case extractor (`readCodetTests`); a task missing from `entryPoints` is an error. */
export function assertCaseExtractor(
  entryPoints: ReadonlyMap<string, string>,
  options: AssertCaseOptions = {},
): SampleCaseExtractor {
  return (raw, taskId) => {
    const entryPoint = entryPoints.get(taskId);
    if (entryPoint === undefined) return { cases: [], rejected: `no entry point known for ${taskId}` };
    const x = extractAssertCases(raw, entryPoint, options);
    if (x.cases.length > 0) return { cases: x.cases };
    const reasons = [
      ...new Set(x.rejected.map((r) => r.reason.replace(/^does not compile: .*/, "does not compile"))),
    ];
    return {
      cases: [],
      rejected: reasons.length > 0 ? `no valid case: ${reasons.join("; ")}` : "no assert case",
    };
  };
}
