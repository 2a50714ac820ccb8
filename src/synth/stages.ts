/**
 * The stages of `synth()` for the pipeline loop (`src/run/pipeline.ts`: it owns fingerprints, skipping,
 * resuming, stale outputs, the ledger, stop checks and events), in order. Each reads what earlier stages
 * put in `SynthState` and adds its own output. Sandbox stages append every pair result to their file as
 * it arrives; `compute` reruns only the pairs that file lacks, so a kill loses only the pairs in flight.
 */
import type { Stage, StageContext } from "../run/pipeline.js";
import { generateMutants } from "./mutants.js";
import { mutate, probe } from "./stages-mutants.js";
import { exportStage, report, score } from "./stages-output.js";
import { filter, generate, questions } from "./stages-tests.js";
import { execute, label, weak } from "./stages-weak.js";
import { key, type SynthState } from "./state.js";

export {
  type DropReason,
  type FilterRecord,
  type MutantRecord,
  SYNTH_FILES,
  type SynthState,
} from "./state.js";

/** Derived state between stages (cheap, so recomputed rather than stored). */
const derive: Record<string, (s: SynthState) => void> = {
  questions: (s) => {
    s.byId = new Map(s.questions.map((q) => [q.task_id, q]));
    for (const q of s.questions) {
      const set = generateMutants(q.canonical_solution, {
        max: s.config.mutants,
        seed: `${s.config.seed}:${q.task_id}`,
        operators: s.config.operators,
      });
      s.mutants.set(q.task_id, s.config.mutants === 0 ? [] : set.mutants);
      s.mutantStats[q.task_id] = set.stats;
    }
  },
  generate: (s) => {
    s.testText = new Map(s.tests.map((t) => [key(t.task_id, t.index), t.test]));
  },
  filter: (s) => {
    s.kept = new Map(s.questions.map((q) => [q.task_id, []]));
    for (const f of s.filter) if (f.kept) s.kept.get(f.task_id)?.push(f.test);
  },
  label: (s) => {
    s.labelOf = new Map(s.labels.map((l) => [key(l.task_id, l.index), l.correct]));
  },
};

/** The stage list, each followed by its derived state. */
export const SYNTH_STAGES: readonly Stage<SynthState>[] = [
  questions,
  generate,
  filter,
  weak,
  label,
  execute,
  mutate,
  probe,
  score,
  exportStage,
  report,
].map((st) => {
  const after = derive[st.name];
  if (!after) return st;
  return {
    ...st,
    ...(st.load
      ? {
          load: async (s: SynthState, ctx: StageContext) => {
            await st.load?.(s, ctx);
            after(s);
          },
        }
      : {}),
    compute: async (s: SynthState, ctx: StageContext) => {
      const out = await st.compute(s, ctx);
      after(s);
      return out;
    },
  };
});
