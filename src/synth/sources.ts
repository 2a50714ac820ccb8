/**
 * Where questions, teacher tests and weak solutions come from. A teacher or weak "model" is a server
 * (OpenAI-compatible, through the llm stage's cache and retries), a recording (`replay`: a CodeRM result or
 * responses file, or a CodeT directory), or the input dataset itself (CodeRM-UnitTest rows carry
 * `unit_tests` and `code_generate`). Recordings are served through the same generation path as a server,
 * so extraction, deduplication and the cache behave identically.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { loadCodetData } from "../extract/codet-data.js";
import { assertsToUnittest, initPython } from "../extract/index.js";
import { readSolutionsFile } from "../extract/sample-files.js";
import { fenced, loadReplay, type Provider, type ReplayData, ReplayProvider } from "../llm/index.js";
import { BENCHMARK_FILES, VENDOR_DIR } from "../problems/index.js";
import type { SolutionSample } from "../records.js";
import type { SynthConfig } from "./config.js";
import { type LoadedQuestions, readQuestions, type SynthQuestion } from "./questions.js";

/** `humaneval` names the bundled HumanEval release (canonical solutions and `check` tests). */
export function questionsFile(name: string): string {
  return name === "humaneval" && !existsSync(name) ? join(VENDOR_DIR, BENCHMARK_FILES.humaneval) : name;
}

export async function loadSynthQuestions(config: SynthConfig): Promise<LoadedQuestions> {
  await initPython();
  const loaded = await readQuestions(questionsFile(config.questions), { format: config.format });
  if (config.limit !== undefined) loaded.questions = loaded.questions.slice(0, config.limit);
  return loaded;
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

/**
 * CodeT's released test samples as a teacher: each sample's first five assert cases (CodeT's own
 * post-processing) become one unittest class (`assertsToUnittest`), served as a fenced response.
 */
export async function codetTeacher(dir: string): Promise<ReplayProvider> {
  const data = await loadCodetData(dir, { granularity: "sample" });
  const byTask = new Map<string, string[]>();
  for (const t of data.tests) {
    const list = byTask.get(t.task_id) ?? [];
    let response = t.rejected ? `no test: ${t.rejected}` : "";
    if (t.cases && t.cases.length > 0) {
      try {
        response = fenced(assertsToUnittest(t.cases));
      } catch (e) {
        response = `no test: ${(e as Error).message}`;
      }
    }
    list[t.index] = response;
    byTask.set(t.task_id, list);
  }
  const replay: ReplayData = { format: "coderm-unit-tests", byTask, byPrompt: new Map() };
  return new ReplayProvider(replay, `codet ${dir}`);
}

/** The dataset's own unit tests (CodeRM-UnitTest), served as the teacher's responses. */
export function datasetTeacher(questions: readonly SynthQuestion[]): ReplayProvider | undefined {
  const byTask = new Map<string, string[]>();
  for (const q of questions)
    if (q.unit_tests?.length)
      byTask.set(
        q.task_id,
        q.unit_tests.map((t) => fenced(t.code)),
      );
  if (byTask.size === 0) return undefined;
  return new ReplayProvider(
    { format: "coderm-unit-tests", byTask, byPrompt: new Map() },
    "dataset unit_tests",
  );
}

/** The teacher to ask, or undefined for the configured server. */
export async function teacherProvider(
  config: SynthConfig,
  questions: readonly SynthQuestion[],
): Promise<Provider | undefined> {
  const replay = config.teacher.replay;
  if (replay)
    return isDir(replay) ? codetTeacher(replay) : new ReplayProvider(await loadReplay(replay), replay);
  if (!config.teacher.model && !config.teacher.baseUrl) return datasetTeacher(questions);
  return undefined;
}

/**
 * Weak solutions that need no model: a CodeT directory (its CodeGen samples, CodeT-truncated), a
 * solutions file, or the dataset's `code_generate`. Undefined when the weak model must be asked.
 */
export async function recordedWeak(
  config: SynthConfig,
  questions: readonly SynthQuestion[],
): Promise<SolutionSample[] | undefined> {
  const replay = config.weak.replay;
  if (replay && isDir(replay)) return (await loadCodetData(replay)).solutions;
  if (replay) return (await readSolutionsFile(replay, { raw: false })).records;
  if (config.weak.model || config.weak.baseUrl) return undefined;
  const out: SolutionSample[] = [];
  for (const q of questions)
    q.weak?.forEach((s, index) => {
      out.push({ task_id: q.task_id, index, solution: s.code });
    });
  return out;
}
