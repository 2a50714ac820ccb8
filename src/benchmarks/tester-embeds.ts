/**
 * Which solution a tester prompt embeds, decided once for `generate` (and any library caller). The paper's
 * prompts embed one model-written solution per task; for the benchmarks whose prompts CodeRM released
 * (bundled in `vendor/coderm/`) that is the default, so the prompts equal the paper's byte for byte.
 * `canonical` embeds the benchmark's reference solution instead; a solutions file (`--from-solutions`) is
 * read by the caller and passed to `buildPrompts` directly.
 */
import { CodermError } from "../errors.js";
import { benchmarkNames, findBenchmark } from "./registry.js";
import type { BenchmarkDef } from "./types.js";

export const EMBED_CHOICES = ["paper", "canonical"] as const;
export type EmbedChoice = (typeof EMBED_CHOICES)[number];

export interface TesterEmbeds {
  /** What the prompts embed: the paper's solutions, or the canonical solution (no bundled paper prompts). */
  source: EmbedChoice;
  /** task_id → code for `buildPrompts` (undefined: the canonical solution everywhere). */
  solutions?: ReadonlyMap<string, string>;
  /** One line for the user saying what was embedded and why. */
  note: string;
}

/** Benchmarks that bundle the paper's tester prompts. */
export function paperPromptBenchmarks(): string[] {
  return benchmarkNames().filter((n) => findBenchmark(n)?.paperTesterSolutions !== undefined);
}

/** The embedded solutions for `choice` (default: the paper's where bundled, else the canonical solution). */
export async function testerEmbeds(
  benchmark: BenchmarkDef | undefined,
  choice?: EmbedChoice,
  where = "--embed",
): Promise<TesterEmbeds> {
  const name = benchmark?.name ?? "these problems";
  if (choice !== "canonical" && benchmark?.paperTesterSolutions) {
    return {
      source: "paper",
      solutions: await benchmark.paperTesterSolutions(),
      note: `tester prompts: the paper's (${benchmark.name}: the model-written solution CodeRM embedded per task)`,
    };
  }
  if (choice === "paper") {
    throw new CodermError(
      "E_BAD_INPUT",
      `no bundled paper prompts for ${name} (bundled for ${paperPromptBenchmarks().join(", ")}); use --from-solutions FILE`,
      `${where} paper`,
    );
  }
  return {
    source: "canonical",
    note:
      choice === "canonical"
        ? "tester prompts embed the canonical solution (--embed canonical)"
        : `tester prompts embed the canonical solution (no bundled paper prompts for ${name}; --from-solutions FILE embeds your policy's)`,
  };
}
