import { z } from "zod";
import { stringifyPythonJson } from "../io/python-json.js";

/** One chat message as sent to an OpenAI-compatible server. */
export const ChatMessageSchema = z.object({
  role: z.enum(["system", "user", "assistant"]),
  content: z.string(),
});
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

/** One line of a CodeRM prompt file (`input_*_{sol,ut}.jsonl`). */
export const PromptRecordSchema = z.object({
  task_id: z.string().min(1),
  messages: z.array(ChatMessageSchema).min(1),
});
export type PromptRecord = z.infer<typeof PromptRecordSchema>;

/**
 * Serialise like Python's `json.dumps(obj, ensure_ascii=False)`, which wrote the released prompt files:
 * `", "` and `": "` separators, non-ASCII kept as is.
 */
export function pythonJsonDumps(value: unknown): string {
  return stringifyPythonJson(value, { ensureAscii: false });
}

/** A prompt file line exactly as the reference wrote it (no trailing newline). */
export function formatPromptRecord(record: PromptRecord): string {
  return pythonJsonDumps({ task_id: record.task_id, messages: record.messages });
}

/** The single user turn used by every CodeRM prompt. */
export function userPrompt(taskId: string, content: string): PromptRecord {
  return { task_id: taskId, messages: [{ role: "user", content }] };
}
