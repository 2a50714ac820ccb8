import { z } from "zod";
import { CodermError } from "../errors.js";
import { describeZodError } from "../io/jsonl.js";
import { OpenAIProvider } from "./openai-provider.js";
import { PAPER_SAMPLING, type Role, type Sampling } from "./types.js";

/**
 * How one role (`policy` or `tester`) reaches its model. snake_case: this is the on-disk shape of a run
 * config's `policy` / `tester` sections. The key itself never appears here, only the variable holding it.
 */
export const RoleConfigSchema = z.object({
  base_url: z.url({ error: "not a URL (pass --base-url or set OPENAI_BASE_URL)" }).optional(),
  api_key_env: z.string().min(1).default("OPENAI_API_KEY"),
  model: z.string({ error: "no model name: pass --model or set CODERM_<ROLE>_MODEL" }).min(1),
  temperature: z.number().min(0).default(PAPER_SAMPLING.temperature),
  top_p: z.number().gt(0).max(1).default(PAPER_SAMPLING.top_p),
  max_tokens: z.number().int().positive().default(PAPER_SAMPLING.max_tokens),
  /** Set false for servers known to ignore `n` (skips detection). */
  supports_n: z.boolean().optional(),
});
export type RoleConfig = z.output<typeof RoleConfigSchema>;

/**
 * Resolve a role's config: explicit values, then `CODERM_<ROLE>_BASE_URL` / `CODERM_<ROLE>_MODEL`, then
 * `OPENAI_BASE_URL`, so one machine can point the policy and the tester at different servers.
 */
export function resolveRoleConfig(role: Role, input: Record<string, unknown>, env = process.env): RoleConfig {
  const prefix = `CODERM_${role.toUpperCase()}_`;
  const merged = {
    ...input,
    base_url: input.base_url ?? env[`${prefix}BASE_URL`] ?? env.OPENAI_BASE_URL,
    model: input.model ?? env[`${prefix}MODEL`],
  };
  const parsed = RoleConfigSchema.safeParse(merged);
  if (!parsed.success) throw new CodermError("E_CONFIG", describeZodError(parsed.error), role);
  return parsed.data;
}

export function samplingOf(config: RoleConfig): Sampling {
  return { temperature: config.temperature, top_p: config.top_p, max_tokens: config.max_tokens };
}

export function providerFor(config: RoleConfig, env = process.env): OpenAIProvider {
  return new OpenAIProvider({
    baseURL: config.base_url ?? "",
    apiKeyEnv: config.api_key_env,
    model: config.model,
    supportsN: config.supports_n,
    env,
  });
}
