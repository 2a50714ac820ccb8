import { CodermError } from "../errors.js";
import { readLines } from "../io/jsonl.js";
import { unwrapCodermUnitTest } from "../problems/coderm.js";
import { RequestFailure } from "./errors.js";
import type { Provider, ProviderRequest, ProviderResponse } from "./types.js";

/** Recorded responses by task id and, for files without task ids (CodeT), by prompt text. */
export interface ReplayData {
  format: "coderm-solutions" | "coderm-unit-tests" | "responses" | "codet";
  byTask: Map<string, string[]>;
  byPrompt: Map<string, string[]>;
}

export interface LoadReplayOptions {
  /**
   * CodeT files have no task ids: a `{task_id, prompt}` JSONL (CodeT's `HumanEval_for_*_generation.jsonl`)
   * names each line by its prompt. Without it, requests are matched by prompt text.
   */
  codetTasks?: string;
  /**
   * Turn a CodeT sample (a completion continuing `prompt`) into the response to serve. Default: the raw
   * completion. `coderm generate` serves solutions as a fenced `prompt + truncated completion` (CodeT's
   * program) so the usual extraction applies.
   */
  codetResponse?: (prompt: string, completion: string) => string;
}

/**
 * A response the reference extraction turns back into `code`: CodeRM result files hold extracted code, so
 * replaying them through the same pipeline must give the same code.
 */
export function fenced(code: string): string {
  return `\`\`\`python\n${code}\n\`\`\`\n`;
}

function parseLine(file: string, line: number, text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch (e) {
    throw new CodermError("E_BAD_LINE", `invalid JSON (${(e as Error).message})`, `${file}:${line}`);
  }
  throw new CodermError("E_BAD_LINE", "expected a JSON object", `${file}:${line}`);
}

function strings(v: unknown, file: string, line: number, field: string): string[] {
  if (!Array.isArray(v)) throw new CodermError("E_BAD_LINE", `${field} must be a list`, `${file}:${line}`);
  return v.map((x, i) => {
    if (typeof x === "string") return x;
    const s = (x as { solution?: unknown })?.solution;
    if (typeof s === "string") return s;
    throw new CodermError(
      "E_BAD_LINE",
      `${field}[${i}] is neither a string nor {solution}`,
      `${file}:${line}`,
    );
  });
}

/**
 * Load recorded generations: CodeRM result files (`{task_id, solutions}` / `{task_id, unit_tests}`), raw
 * response files (`{task_id?, messages, responses}`, the reference's inference output and `--responses`),
 * or CodeT generation files (`{prompt, samples}`).
 */
export async function loadReplay(file: string, options: LoadReplayOptions = {}): Promise<ReplayData> {
  const data: ReplayData = { format: "responses", byTask: new Map(), byPrompt: new Map() };
  let first = true;
  for await (const { line, text } of readLines(file)) {
    if (text.trim() === "") continue;
    const r = parseLine(file, line, text);
    const taskId = typeof r.task_id === "string" ? r.task_id : undefined;
    if ("solutions" in r && taskId) {
      data.byTask.set(taskId, strings(r.solutions, file, line, "solutions").map(fenced));
      if (first) data.format = "coderm-solutions";
    } else if ("unit_tests" in r && taskId) {
      const tests = strings(r.unit_tests, file, line, "unit_tests");
      data.byTask.set(
        taskId,
        tests.map((t) => fenced(unwrapCodermUnitTest(t).test)),
      );
      if (first) data.format = "coderm-unit-tests";
    } else if ("responses" in r) {
      const responses = strings(r.responses, file, line, "responses");
      const messages = r.messages as { content?: unknown }[] | undefined;
      const content = messages?.at(-1)?.content;
      if (taskId) data.byTask.set(taskId, responses);
      if (typeof content === "string") data.byPrompt.set(content, responses);
      if (first) data.format = "responses";
    } else if ("samples" in r && typeof r.prompt === "string") {
      const prompt = r.prompt;
      const samples = strings(r.samples, file, line, "samples");
      data.byPrompt.set(
        prompt,
        options.codetResponse ? samples.map((c) => options.codetResponse!(prompt, c)) : samples,
      );
      if (first) data.format = "codet";
    } else {
      throw new CodermError(
        "E_BAD_LINE",
        "not a recorded generation (expected solutions, unit_tests, responses or prompt+samples)",
        `${file}:${line}`,
      );
    }
    first = false;
  }
  if (options.codetTasks) {
    for await (const { line, text } of readLines(options.codetTasks)) {
      if (text.trim() === "") continue;
      const t = parseLine(options.codetTasks, line, text);
      if (typeof t.task_id !== "string" || typeof t.prompt !== "string") continue;
      const samples = data.byPrompt.get(t.prompt);
      if (samples) data.byTask.set(t.task_id, samples);
    }
  }
  return data;
}

/**
 * Serves recorded responses instead of asking a server, so every later stage runs offline: sample i of a
 * task is the task's i-th recorded response. Asking beyond the recording fails that sample (not retried).
 */
export class ReplayProvider implements Provider {
  readonly name: string;
  readonly model: string;
  supportsN: boolean | undefined = true;
  readonly answersByTask = true;

  constructor(
    readonly data: ReplayData,
    source = "replay",
  ) {
    this.name = `replay ${source}`;
    this.model = `replay:${source}`;
  }

  samplesFor(taskId: string, prompt: string): string[] | undefined {
    const direct = this.data.byTask.get(taskId) ?? this.data.byPrompt.get(prompt);
    if (direct) return direct;
    // CodeT prompts are HumanEval prompts: find the one a chat prompt embeds.
    for (const [p, samples] of this.data.byPrompt)
      if (p.trim() !== "" && prompt.includes(p.trim())) return samples;
    return undefined;
  }

  async complete(request: ProviderRequest): Promise<ProviderResponse> {
    const prompt = request.messages.at(-1)?.content ?? "";
    const recorded = this.samplesFor(request.taskId, prompt);
    if (!recorded) throw new RequestFailure("client", `no recorded responses for ${request.taskId}`);
    const firstMissing = request.sampleIndices.findIndex((i) => recorded[i] === undefined);
    if (firstMissing === 0 || (firstMissing > 0 && request.sampleIndices.length === 1)) {
      throw new RequestFailure("client", `only ${recorded.length} recorded responses for ${request.taskId}`);
    }
    // A short answer makes the runner ask for the rest one by one; those then fail individually.
    const served = firstMissing < 0 ? request.sampleIndices : request.sampleIndices.slice(0, firstMissing);
    return { choices: served.map((i) => ({ text: recorded[i]!, finishReason: "stop" })), model: this.model };
  }
}
