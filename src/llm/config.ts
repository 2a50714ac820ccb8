import { z } from "zod";
import { CodermError } from "../errors.js";
import { describeZodError } from "../io/jsonl.js";
import { OpenAIProvider } from "./openai-provider.js";
import { PAPER_SAMPLING, type Role, type Sampling } from "./types.js";

/**
 * How one role (`policy` or `tester`) reaches its model: the `policy` / `tester` section of a run config
 * and what `coderm generate`'s flags fill. The one model schema: `generate` and `run` read it the same way
 * (camelCase, the documented config-file shape). The key itself never appears here, only the variable
 * holding it.
 */
export const ModelConfigSchema = z
  .object({
    /** OpenAI-compatible server (default $CODERM_<ROLE>_BASE_URL, then $OPENAI_BASE_URL). */
    baseUrl: z.string().optional(),
    /** Model name (default $CODERM_<ROLE>_MODEL). */
    model: z.string().optional(),
    /** Name of the environment variable holding the API key (never the key itself). */
    apiKeyEnv: z.string().min(1).default("OPENAI_API_KEY"),
    temperature: z.number().min(0).default(PAPER_SAMPLING.temperature),
    topP: z.number().gt(0).max(1).default(PAPER_SAMPLING.top_p),
    maxTokens: z.number().int().positive().default(PAPER_SAMPLING.max_tokens),
    /** Requests in flight. */
    concurrency: z.number().int().positive().default(8),
    /** Seconds per request. */
    timeout: z.number().positive().max(86_400).default(600),
    /** Retries per sample after the first attempt (429, 5xx, timeouts, resets). */
    retries: z.number().int().nonnegative().default(6),
    /** Most completions per request (default: all of a task's samples in one request). */
    maxN: z.number().int().positive().optional(),
    /** Set false for servers known to ignore `n` (skips detection). */
    supportsN: z.boolean().optional(),
    /** Serve recorded responses from this file instead of a server (CodeRM result file). */
    replay: z.string().optional(),
  })
  .strict();
export type ModelConfig = z.output<typeof ModelConfigSchema>;
export type ModelConfigInput = z.input<typeof ModelConfigSchema>;

/** A model config whose server and model name are known (after `resolveModelConfig`). */
export type ResolvedModelConfig = ModelConfig & { baseUrl: string; model: string };

/**
 * Fill a role's server and model from the environment: explicit values, then `CODERM_<ROLE>_BASE_URL` /
 * `CODERM_<ROLE>_MODEL`, then `OPENAI_BASE_URL`, so one machine can point the policy and the tester at
 * different servers. Validation is left to `resolveModelConfig`, so a fingerprint can see the result
 * without failing for a role that will be replayed.
 */
export function withModelEnv(role: Role, input: ModelConfigInput, env = process.env): ModelConfigInput {
  const prefix = `CODERM_${role.toUpperCase()}_`;
  const baseUrl = input.baseUrl ?? env[`${prefix}BASE_URL`] ?? env.OPENAI_BASE_URL;
  const model = input.model ?? env[`${prefix}MODEL`];
  return { ...input, ...(baseUrl ? { baseUrl } : {}), ...(model ? { model } : {}) };
}

/** A role's config ready to talk to a server; errors name the role and what is missing. */
export function resolveModelConfig(
  role: Role,
  input: ModelConfigInput,
  env = process.env,
): ResolvedModelConfig {
  const parsed = ModelConfigSchema.safeParse(withModelEnv(role, input, env));
  if (!parsed.success) throw new CodermError("E_CONFIG", describeZodError(parsed.error), role);
  const c = parsed.data;
  if (!c.baseUrl || !z.url().safeParse(c.baseUrl).success) {
    throw new CodermError(
      "E_CONFIG",
      `${c.baseUrl ? `"${c.baseUrl}" is not a URL` : "no server URL"} (pass --base-url or set OPENAI_BASE_URL)`,
      role,
    );
  }
  if (!c.model) {
    throw new CodermError(
      "E_CONFIG",
      `no model name: pass --model or set CODERM_${role.toUpperCase()}_MODEL`,
      role,
    );
  }
  return { ...c, baseUrl: c.baseUrl, model: c.model };
}

/** The sampling parameters on the wire (snake_case there). */
export function samplingOf(config: Pick<ModelConfig, "temperature" | "topP" | "maxTokens">): Sampling {
  return { temperature: config.temperature, top_p: config.topP, max_tokens: config.maxTokens };
}

/** The OpenAI-compatible provider for a resolved config. */
export function providerFor(config: ResolvedModelConfig, env = process.env): OpenAIProvider {
  return new OpenAIProvider({
    baseURL: config.baseUrl,
    apiKeyEnv: config.apiKeyEnv,
    model: config.model,
    supportsN: config.supportsN,
    env,
  });
}
