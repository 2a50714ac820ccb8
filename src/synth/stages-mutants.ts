/**
 * Mutation scoring in `synth()`: every mutant of the ground truth against every kept test, then probes of
 * the survivors to estimate which are equivalent.
 */
import { readJsonl, writeJsonl } from "../io/jsonl.js";
import { pairId } from "../matrix/pairs.js";
import type { Stage } from "../run/pipeline.js";
import type { PairInput } from "../sandbox/index.js";
import { probeTests } from "./oracles.js";
import {
  keptTests,
  keptText,
  type MutantRecord,
  MutantRecordLike,
  readResults,
  runMissing,
  SYNTH_FILES,
  type SynthState,
} from "./state.js";

export const mutate: Stage<SynthState> = {
  name: "mutate",
  after: ["filter"],
  files: [SYNTH_FILES.mutantResults],
  settings: (s) => ({ mutants: s.config.mutants, seed: s.config.seed, operators: s.config.operators }),
  load: async (s, ctx) => {
    s.mutantResults = await readResults(ctx.path(SYNTH_FILES.mutantResults));
  },
  compute: async (s, ctx) => {
    const pairs: PairInput[] = [];
    for (const q of s.questions)
      (s.mutants.get(q.task_id) ?? []).forEach((mu, i) => {
        for (const j of s.kept.get(q.task_id) ?? [])
          pairs.push({
            id: pairId({ task_id: q.task_id, solution: i, test: j }),
            solution: mu.code,
            test: keptText(s, q.task_id, j),
            format: "unittest",
          });
      });
    s.mutantResults = await runMissing(s, ctx, ctx.path(SYNTH_FILES.mutantResults), pairs);
    return { info: { pairs: s.mutantResults.size } };
  },
};

export const probe: Stage<SynthState> = {
  name: "probe",
  after: ["mutate"],
  files: [SYNTH_FILES.probeResults, SYNTH_FILES.mutants],
  load: async (s, ctx) => {
    s.mutantRecords = (await readJsonl(ctx.path(SYNTH_FILES.mutants), MutantRecordLike))
      .records as unknown as MutantRecord[];
  },
  compute: async (s, ctx) => {
    const killed = (task: string, i: number, j: number) =>
      s.mutantResults.get(pairId({ task_id: task, solution: i, test: j }))?.passed !== true;
    const probes = new Map(s.questions.map((q) => [q.task_id, probeTests(q, keptTests(s, q.task_id))]));
    const pairs: PairInput[] = [];
    for (const q of s.questions)
      (s.mutants.get(q.task_id) ?? []).forEach((mu, i) => {
        if ((s.kept.get(q.task_id) ?? []).some((j) => killed(q.task_id, i, j))) return;
        (probes.get(q.task_id) ?? []).forEach((test, k) => {
          pairs.push({
            id: pairId({ task_id: q.task_id, solution: i, test: k }),
            solution: mu.code,
            test,
            format: "unittest",
          });
        });
      });
    const res = await runMissing(s, ctx, ctx.path(SYNTH_FILES.probeResults), pairs);
    s.mutantRecords = [];
    for (const q of s.questions)
      (s.mutants.get(q.task_id) ?? []).forEach((mu, i) => {
        const killedBy = (s.kept.get(q.task_id) ?? []).filter((j) => killed(q.task_id, i, j));
        const list = probes.get(q.task_id) ?? [];
        let equivalent: boolean | null = false;
        if (killedBy.length === 0)
          equivalent =
            list.length === 0
              ? null
              : list.every(
                  (_, k) => res.get(pairId({ task_id: q.task_id, solution: i, test: k }))?.passed === true,
                );
        s.mutantRecords.push({ task_id: q.task_id, index: i, ...mu, killed_by: killedBy, equivalent });
      });
    await writeJsonl(ctx.path(SYNTH_FILES.mutants), s.mutantRecords, { atomic: true });
    return { info: { mutants: s.mutantRecords.length } };
  },
};
