/**
 * Everything `coderm run` takes, as one zod schema: flags and a config file (`coderm.config.json` or
 * `coderm.config.ts`) fill the same object, so the two can never drift. The JSON Schema in
 * `docs/coderm.config.schema.json` is generated from it (`npm run schema`).
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { CodermError } from "../errors.js";
import { describeZodError } from "../io/jsonl.js";
import { type ModelConfig, ModelConfigSchema } from "../llm/index.js";
import { STRATEGIES } from "../select/index.js";

export type { ModelConfig };

export const RunConfigSchema = z
  .object({
    $schema: z.string().optional(),
    /** humaneval+, mbpp+, humaneval, livecodebench, or a Problem JSONL file. */
    benchmark: z.string().min(1),
    /** Run directory: every stage's output and the SQLite store. */
    out: z.string().min(1),
    /** Solutions per problem. */
    n: z.number().int().positive().default(100),
    /** Unit tests per problem. */
    m: z.number().int().positive().default(100),
    strategy: z.enum(STRATEGIES).default("coderm-vote"),
    /** Strategies compared in the report. */
    strategies: z.array(z.enum(STRATEGIES)).default(["codet", "coderm-vote", "argmax"]),
    policy: ModelConfigSchema.default(() => ModelConfigSchema.parse({})),
    tester: ModelConfigSchema.default(() => ModelConfigSchema.parse({})),
    /** Replay CodeT's released generations from this directory (solutions + assert-case tests). */
    codet: z.string().optional(),
    /** Only the first K problems. */
    limit: z.number().int().positive().optional(),
    sandbox: z
      .object({
        workers: z.number().int().positive().optional(),
        /** Seconds per unittest pair (reference: 1). */
        timeout: z.number().positive().default(1),
        /** Seconds per assert case (CodeT: 0.1). */
        assertTimeout: z.number().positive().default(0.1),
        requireIsolation: z.boolean().default(false),
        /** Execute on `coderm worker`s through Redis (redis://host:port; several, comma-separated) instead of locally. */
        queue: z.string().optional(),
        /** Queue name with `queue` (default "coderm"). */
        queueName: z.string().optional(),
      })
      .strict()
      .default(() => ({ timeout: 1, assertTimeout: 0.1, requireIsolation: false })),
    evaluation: z
      .object({
        samples: z.number().int().positive().default(100),
        seed: z.number().int().default(0),
      })
      .strict()
      .default(() => ({ samples: 100, seed: 0 })),
    /** Average unit tests per problem for dynamic scaling (unset: every problem gets m). */
    budget: z.number().positive().optional(),
    allocation: z.enum(["equal", "dynamic"]).default("equal"),
  })
  .strict();
export type RunConfig = z.output<typeof RunConfigSchema>;
export type RunConfigInput = z.input<typeof RunConfigSchema>;

export const CONFIG_FILES = ["coderm.config.json", "coderm.config.ts"] as const;

/** Read a config file (JSON, or a TS module default-exporting the object). */
export async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  const file = resolve(path);
  if (!existsSync(file)) throw new CodermError("E_CONFIG", "config file not found", path);
  if (file.endsWith(".ts") || file.endsWith(".mts") || file.endsWith(".js") || file.endsWith(".mjs")) {
    const { tsImport } = await import("tsx/esm/api");
    const mod = (await tsImport(file, import.meta.url)) as { default?: unknown };
    const value = mod.default;
    if (!value || typeof value !== "object")
      throw new CodermError("E_CONFIG", "a config module must default-export an object", path);
    return value as Record<string, unknown>;
  }
  try {
    const value = JSON.parse(readFileSync(file, "utf8")) as unknown;
    if (!value || typeof value !== "object" || Array.isArray(value))
      throw new CodermError("E_CONFIG", "expected a JSON object", path);
    return value as Record<string, unknown>;
  } catch (e) {
    if (e instanceof CodermError) throw e;
    throw new CodermError("E_CONFIG", `invalid JSON (${(e as Error).message})`, path);
  }
}

/** The config file in `dir` when there is one. */
export function findConfigFile(dir = process.cwd()): string | undefined {
  return CONFIG_FILES.map((f) => resolve(dir, f)).find((f) => existsSync(f));
}

/** Merge config-file values with flags (flags win) and validate; errors name the field. */
export function parseRunConfig(
  fromFile: Record<string, unknown>,
  fromFlags: Record<string, unknown>,
  where = "config",
): RunConfig {
  const merged: Record<string, unknown> = { ...fromFile };
  for (const [k, v] of Object.entries(fromFlags)) {
    if (v === undefined) continue;
    const prev = merged[k];
    merged[k] =
      prev &&
      typeof prev === "object" &&
      !Array.isArray(prev) &&
      v &&
      typeof v === "object" &&
      !Array.isArray(v)
        ? { ...prev, ...v }
        : v;
  }
  const parsed = RunConfigSchema.safeParse(merged);
  if (!parsed.success) throw new CodermError("E_CONFIG", describeZodError(parsed.error), where);
  return parsed.data;
}

export function runConfigJsonSchema(): unknown {
  return z.toJSONSchema(RunConfigSchema, { io: "input" });
}
