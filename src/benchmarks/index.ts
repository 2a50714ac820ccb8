/** Benchmarks as units: descriptors, the registry, and "name or file → problems". */
export { benchmarkNames, findBenchmark, getBenchmark, registerBenchmark } from "./registry.js";
export {
  checkProblemsArg,
  groundTruthOf,
  isBenchmarkName,
  type ResolvedProblems,
  resolveProblems,
} from "./resolve.js";
export {
  EMBED_CHOICES,
  type EmbedChoice,
  paperPromptBenchmarks,
  type TesterEmbeds,
  testerEmbeds,
} from "./tester-embeds.js";
export type { BenchmarkDef, BenchmarkLoadOptions, LabelSpec, LoadedProblems } from "./types.js";
