/**
 * LiveCodeBench: a downloaded `code_generation_lite` copy (`--lcb-dir`, or `$CODERM_LCB_DIR`) with its test
 * cases, or without one the paper's prompts bundled from CodeRM, which rebuild the problems but carry no
 * tests (so no labels).
 */
import { fileURLToPath } from "node:url";
import { readJsonl } from "../io/jsonl.js";
import { loadLiveCodeBench } from "../problems/index.js";
import { liveCodeBenchProblemsFromPrompts, PromptRecordSchema, promptStyle } from "../prompts/index.js";
import { paperTesterSolutions } from "./_paper-embeds.js";
import type { BenchmarkDef } from "./types.js";

const BUNDLED_PROMPTS = fileURLToPath(
  new URL("../../vendor/coderm/input_livecodebench_sol.jsonl", import.meta.url),
);

export const livecodebench: BenchmarkDef = {
  name: "livecodebench",
  title: "LiveCodeBench",
  summary: "LiveCodeBench (--lcb-dir for test cases and labels; bundled: the paper's prompts only)",
  prompts: promptStyle("livecodebench"),
  paperTesterSolutions: paperTesterSolutions("livecodebench"),
  labels: { kind: "livecodebench" },
  options: ["lcbDir", "release", "since", "until"],
  async load(o) {
    const dir = o.lcbDir ?? process.env.CODERM_LCB_DIR;
    if (dir) {
      const r = await loadLiveCodeBench({ ...o, dir });
      return { problems: r.records, bad: r.bad };
    }
    const file = o.file ?? BUNDLED_PROMPTS;
    const r = await readJsonl(file, PromptRecordSchema, o);
    return { problems: liveCodeBenchProblemsFromPrompts(r.records), bad: r.bad, file };
  },
};
