/**
 * The benchmarks coderm knows, by name. CLI choices, `--benchmark` dispatch, prompts and labels all read
 * this list: adding a benchmark is one descriptor file in this folder and one line below (or
 * `registerBenchmark` from outside, e.g. a plugin or a test).
 */
import { CodermError } from "../errors.js";
import { humaneval, humanevalPlus, mbppPlus } from "./evalplus.js";
import { livecodebench } from "./livecodebench.js";
import type { BenchmarkDef } from "./types.js";

const REGISTRY = new Map<string, BenchmarkDef>(
  [humanevalPlus, mbppPlus, humaneval, livecodebench].map((b) => [b.name, b]),
);

/** Add (or replace) a benchmark; its name becomes a `--benchmark` choice everywhere. */
export function registerBenchmark(def: BenchmarkDef): void {
  REGISTRY.set(def.name, def);
}

export function benchmarkNames(): string[] {
  return [...REGISTRY.keys()];
}

export function findBenchmark(name: string | undefined): BenchmarkDef | undefined {
  return name === undefined ? undefined : REGISTRY.get(name);
}

/** The benchmark of this name; an unknown name is an input error listing the known ones. */
export function getBenchmark(name: string, where = "--benchmark"): BenchmarkDef {
  const b = REGISTRY.get(name);
  if (!b) {
    throw new CodermError(
      "E_BAD_INPUT",
      `unknown benchmark "${name}" (one of ${benchmarkNames().join(", ")})`,
      where,
    );
  }
  return b;
}
