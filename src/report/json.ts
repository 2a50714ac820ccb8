import { CodermError } from "../errors.js";
import { EVAL_SUMMARY_SCHEMA, type EvalSummary } from "../evaluate/summary-types.js";

/** Summary as pretty JSON with a trailing newline (stable key order: the object's own). */
export function renderJson(s: EvalSummary): string {
  return `${JSON.stringify(s, null, 2)}\n`;
}

/** Parse a `summary.json`, checking its schema tag so an unrelated JSON file fails with a clear message. */
export function parseSummary(text: string, where = "summary.json"): EvalSummary {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new CodermError("E_BAD_INPUT", `invalid JSON (${(e as Error).message})`, where);
  }
  if (
    typeof value !== "object" ||
    value === null ||
    (value as { schema?: unknown }).schema !== EVAL_SUMMARY_SCHEMA
  ) {
    throw new CodermError(
      "E_BAD_INPUT",
      `not an eval summary (schema must be "${EVAL_SUMMARY_SCHEMA}")`,
      where,
    );
  }
  return value as EvalSummary;
}
