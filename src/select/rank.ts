/**
 * `rank()`: samples (+ results, or a sandbox to produce them) → the chosen solution of every task.
 */

import { requireKnownTasks, requireUniqueTasks } from "../cross-checks.js";
import {
  indexSamples,
  matricesFrom,
  planPairs,
  runPairs,
  type TaskSamples,
  validTests,
} from "../matrix/pairs.js";
import type { PassMatrices } from "../matrix/pass-matrix.js";
import type { PairResult, SolutionSample, UnitTestSample } from "../records.js";
import type { IsolationReport, SandboxOptions } from "../sandbox/index.js";
import { Sandbox } from "../sandbox/index.js";
import { select } from "./strategies.js";
import type { Ranking, StrategyName } from "./types.js";

/** The choice made for one task: what `selected.jsonl` holds. */
export interface Selected {
  task_id: string;
  strategy: StrategyName;
  /** Index of the returned solution (the lowest id of the chosen set), null when there is none. */
  index: number | null;
  solution: string | null;
  /** Its strategy score. */
  score: number | null;
  /** Every solution a uniform pick among the best would return. */
  chosen: number[];
  /** Why: tests it passed out of those considered, and its consensus size. */
  why: string;
}

export interface RankInput {
  solutions: SolutionSample[];
  tests: UnitTestSample[];
  /** Task order; default: the order tasks first appear among the solutions. */
  tasks?: string[];
  /** Known results; without them (or for cells they lack) pairs run in a sandbox. */
  results?: PairResult[];
  /** Where the inputs came from, for the messages of the cross-file checks. */
  sources?: { solutions?: string; tests?: string; problems?: string };
}

export interface RankOptions {
  strategy?: StrategyName;
  /** Options for the sandbox started when pairs must run. */
  sandbox?: SandboxOptions;
  /** Append new results here as they finish (resume-safe). */
  resultsFile?: string;
  /** Told the sandbox's isolation report when pairs must run (print it: users must see it). */
  onIsolation?: (report: IsolationReport) => void;
}

export interface RankOutput {
  selected: Selected[];
  rankings: Map<string, Ranking>;
  matrices: PassMatrices;
  /** Every result used: given plus newly run. */
  results: PairResult[];
}

export function taskOrder(samples: TaskSamples, tasks?: string[]): string[] {
  return tasks ?? [...new Set([...samples.solutions.keys(), ...samples.tests.keys()])];
}

export function describeChoice(task_id: string, ranking: Ranking, samples: TaskSamples): Selected {
  const best = ranking.chosen[0];
  const sols = samples.solutions.get(task_id) ?? [];
  if (best === undefined) {
    return {
      task_id,
      strategy: ranking.strategy,
      index: null,
      solution: null,
      score: null,
      chosen: [],
      why: "no solutions",
    };
  }
  return {
    task_id,
    strategy: ranking.strategy,
    index: best,
    solution: sols[best]?.solution ?? null,
    score: ranking.scores[best] ?? null,
    chosen: ranking.chosen,
    why: `passes ${ranking.passed[best]}/${ranking.tests} tests; ${ranking.consensus[best]} solutions pass the same set; ${ranking.chosen.length} tied`,
  };
}

/** Choose every task's solution; runs the missing pairs first when no results cover them. */
export async function rank(input: RankInput, options: RankOptions = {}): Promise<RankOutput> {
  const strategy = options.strategy ?? "coderm-vote";
  if (input.tasks) {
    const known = new Set(input.tasks);
    const src = input.sources ?? {};
    requireUniqueTasks(
      input.tasks.map((task_id) => ({ task_id })),
      src.problems ?? "problems",
    );
    requireKnownTasks(
      input.solutions,
      known,
      src.solutions ?? "solutions",
      src.problems ?? "the tasks given",
    );
    requireKnownTasks(input.tests, known, src.tests ?? "tests", src.problems ?? "the tasks given");
  }
  const samples = indexSamples(input.solutions, input.tests);
  const tasks = taskOrder(samples, input.tasks);
  const results = [...(input.results ?? [])];
  if (!input.results) {
    const plan = planPairs(samples, tasks);
    const sandbox = await Sandbox.start(options.sandbox);
    options.onIsolation?.(sandbox.isolation);
    try {
      results.push(...(await runPairs(sandbox, plan, options.resultsFile)));
    } finally {
      await sandbox.close();
    }
  }
  const matrices = matricesFrom(samples, tasks, results);
  const rankings = new Map<string, Ranking>();
  const selected: Selected[] = [];
  for (const task_id of tasks) {
    const m = matrices.get(task_id)!;
    const r = select(strategy, m, { tests: validTests(samples.tests.get(task_id) ?? []) });
    rankings.set(task_id, r);
    selected.push(describeChoice(task_id, r, samples));
  }
  return { selected, rankings, matrices, results };
}
