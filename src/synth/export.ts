/**
 * Training files from the kept tests:
 * - the CodeRM-UnitTest schema (`task_id, question, code_ground_truth, code_generate, unit_tests`, the two
 *   lists as JSON text, exactly as KAKA22/CodeRM-UnitTest stores them), as JSONL and parquet (written with
 *   hyparquet-writer, the companion of the reader, snappy like the Hugging Face files). Entries carry our
 *   scores beside the dataset's keys (`far`, `frr`, `mutation_score`, `correct`); readers of the original
 *   schema ignore them;
 * - SFT chat JSONL: `messages` = [user: the exact CodeRM unit-test prompt with the ground truth as the
 *   code solution, assistant: the test in a ```python fence] (TRL's conversational format);
 * - alpaca (`instruction`, `input`, `output`) and sharegpt (`conversations` of `{from, value}`) JSON for
 *   LLaMA-Factory, with the `dataset_info.json` that registers both.
 */

import { join } from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import { writeJsonl } from "../io/jsonl.js";
import { writeFileAtomic } from "../io/output.js";
import { unitTestPromptText, unitTestQuestion } from "../prompts/index.js";
import type { SynthQuestion } from "./questions.js";

export interface ExportTest {
  ut_id: number;
  code: string;
  far?: number | null;
  frr?: number | null;
  mutation_score?: number | null;
}

export interface ExportSolution {
  sol_id: number;
  code: string;
  /** The weak solution's label (own tests or agreement with the ground truth). */
  correct?: boolean | null;
}

export interface ExportItem {
  question: SynthQuestion;
  tests: ExportTest[];
  solutions: ExportSolution[];
}

export interface CodermUnitTestRow {
  task_id: string | number;
  question: string;
  code_ground_truth: string;
  code_generate: string;
  unit_tests: string;
}

export const EXPORT_FILES = {
  codermJsonl: "coderm-unittest.jsonl",
  codermParquet: "coderm-unittest.parquet",
  sft: "sft.jsonl",
  alpaca: "alpaca.json",
  sharegpt: "sharegpt.json",
  datasetInfo: "dataset_info.json",
} as const;

/** The question text of the unit-test prompt (the benchmark's own rule for HumanEval-style problems). */
export function promptQuestion(q: SynthQuestion): string {
  return q.question ?? unitTestQuestion(q);
}

/** The user turn: the paper's prompt with the ground truth as the "code solution". */
export function synthPrompt(q: SynthQuestion): string {
  return unitTestPromptText(promptQuestion(q), q.canonical_solution.trimEnd());
}

export function fencedTest(code: string): string {
  return `\`\`\`python\n${code.trimEnd()}\n\`\`\``;
}

export function codermRows(items: readonly ExportItem[]): CodermUnitTestRow[] {
  // Integer ids stay integers (the released dataset's task_id is int64), anything else is text.
  const numeric = items.every((i) => /^(0|[1-9]\d{0,14})$/.test(i.question.task_id));
  return items.map((i) => ({
    task_id: numeric ? Number(i.question.task_id) : i.question.task_id,
    question: promptQuestion(i.question),
    code_ground_truth: i.question.canonical_solution,
    code_generate: JSON.stringify(i.solutions),
    unit_tests: JSON.stringify(i.tests),
  }));
}

export function codermParquet(rows: readonly CodermUnitTestRow[]): ArrayBuffer {
  const numeric = rows.every((r) => typeof r.task_id === "number");
  return parquetWriteBuffer({
    columnData: [
      {
        name: "task_id",
        data: rows.map((r) => (numeric ? BigInt(r.task_id) : String(r.task_id))),
        type: numeric ? "INT64" : "STRING",
      },
      { name: "question", data: rows.map((r) => r.question), type: "STRING" },
      { name: "code_ground_truth", data: rows.map((r) => r.code_ground_truth), type: "STRING" },
      { name: "code_generate", data: rows.map((r) => r.code_generate), type: "STRING" },
      { name: "unit_tests", data: rows.map((r) => r.unit_tests), type: "STRING" },
    ],
    createdBy: "coderm synth",
  });
}

export function sftRecords(items: readonly ExportItem[]) {
  return items.flatMap((i) => {
    const user = synthPrompt(i.question);
    return i.tests.map((t) => ({
      messages: [
        { role: "user", content: user },
        { role: "assistant", content: fencedTest(t.code) },
      ],
    }));
  });
}

export const DATASET_INFO = {
  coderm_unittest_alpaca: {
    file_name: EXPORT_FILES.alpaca,
    formatting: "alpaca",
    columns: { prompt: "instruction", query: "input", response: "output" },
  },
  coderm_unittest_sharegpt: {
    file_name: EXPORT_FILES.sharegpt,
    formatting: "sharegpt",
    columns: { messages: "conversations" },
    tags: { role_tag: "from", content_tag: "value", user_tag: "human", assistant_tag: "gpt" },
  },
};

/** Write every export into `dir`; returns the file paths by kind. */
export async function writeExports(
  dir: string,
  items: readonly ExportItem[],
): Promise<Record<string, string>> {
  const path = (k: keyof typeof EXPORT_FILES) => join(dir, EXPORT_FILES[k]);
  const rows = codermRows(items);
  await writeJsonl(path("codermJsonl"), rows);
  writeFileAtomic(path("codermParquet"), Buffer.from(codermParquet(rows)));
  const sft = sftRecords(items);
  await writeJsonl(path("sft"), sft);
  const alpaca = sft.map((r) => ({
    instruction: r.messages[0]?.content ?? "",
    input: "",
    output: r.messages[1]?.content ?? "",
  }));
  writeFileAtomic(path("alpaca"), `${JSON.stringify(alpaca, null, 1)}\n`);
  const sharegpt = sft.map((r) => ({
    conversations: [
      { from: "human", value: r.messages[0]?.content ?? "" },
      { from: "gpt", value: r.messages[1]?.content ?? "" },
    ],
  }));
  writeFileAtomic(path("sharegpt"), `${JSON.stringify(sharegpt, null, 1)}\n`);
  writeFileAtomic(path("datasetInfo"), `${JSON.stringify(DATASET_INFO, null, 2)}\n`);
  return Object.fromEntries(Object.keys(EXPORT_FILES).map((k) => [k, path(k as keyof typeof EXPORT_FILES)]));
}
