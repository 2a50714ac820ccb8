/**
 * The solutions the paper's own tester prompts embed. CodeRM's `input_<benchmark>_ut.jsonl` embeds one
 * model-written solution per task (not the canonical one), so the prompt builder given these solutions
 * reproduces those files byte for byte; `generate --role tester` uses them by default.
 */
import { join } from "node:path";
import { readJsonl } from "../io/jsonl.js";
import { VENDOR_DIR } from "../problems/index.js";
import { PromptRecordSchema, parseUnitTestPrompt } from "../prompts/index.js";

export const paperTesterPromptFile = (benchmark: string): string =>
  join(VENDOR_DIR, "coderm", `input_${benchmark}_ut.jsonl`);

const cache = new Map<string, Promise<ReadonlyMap<string, string>>>();

/** task_id → the solution embedded in the bundled paper prompt (read once per process). */
export function paperTesterSolutions(benchmark: string): () => Promise<ReadonlyMap<string, string>> {
  return () => {
    let got = cache.get(benchmark);
    if (!got) {
      got = (async () => {
        const file = paperTesterPromptFile(benchmark);
        const { records } = await readJsonl(file, PromptRecordSchema, { strict: true });
        return new Map(records.map((r) => [r.task_id, parseUnitTestPrompt(r.messages.at(-1)!.content).code]));
      })();
      cache.set(benchmark, got);
    }
    return got;
  };
}
