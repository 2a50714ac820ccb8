/**
 * Every command's name and summary, in one table that loads nothing: `coderm --help` lists the commands from
 * here without importing them (each command module pulls in its own heavy dependencies), and each command's
 * own `meta` comes from here too, so the two cannot drift apart.
 */
export const COMMANDS = {
  doctor: "Check the sandbox: isolation layers and a self-test.",
  eval: "Evaluate selection: vanilla, best-of-n per strategy, curves over n and m, unit-test quality.",
  exec: "Execute (solution, test) pairs in the sandbox; write one verdict per pair.",
  extract: "Extract solutions, unit tests or CodeT assert cases from raw model output into sample JSONL.",
  generate: "Sample solutions (--role policy) or unit tests (--role tester) and write a CodeRM result file.",
  label: "Ground-truth labels for solutions (EvalPlus / HumanEval semantics).",
  problems: "Load a benchmark's problems and write them as Problem JSONL.",
  rank: "Choose the best solution per task from a pass matrix.",
  run: "Generate (or replay) → extract → execute → select → label → evaluate → report.",
  synth:
    "Build unit-test training data: teacher tests → filter on the ground truth → FAR/FRR on weak solutions → mutation score → filters → CodeRM-UnitTest / SFT / LLaMA-Factory exports + report.",
  "scale-eval":
    "Simulate unit-test budgets: equal vs dynamic (gold/predicted difficulty) vs online allocation.",
  serve: "Serve rewards over HTTP (/v1/score, SandboxFusion /run_code) for RL trainers",
  worker: "Execute pairs for producers elsewhere (coderm exec|run|serve --queue): pull shards from Redis.",
} as const;

export type CommandName = keyof typeof COMMANDS;

export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

/** A command's citty `meta`. */
export function commandMeta(name: CommandName): { name: string; description: string } {
  return { name, description: COMMANDS[name] };
}
