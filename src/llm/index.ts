export { Semaphore } from "../util/semaphore.js";
export { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from "./backoff.js";
export {
  type ModelConfig,
  type ModelConfigInput,
  ModelConfigSchema,
  providerFor,
  type ResolvedModelConfig,
  resolveModelConfig,
  samplingOf,
  withModelEnv,
} from "./config.js";
export { classifyError, type FailureKind, parseRetryAfter, RequestFailure } from "./errors.js";
export { OpenAIProvider, type OpenAIProviderOptions } from "./openai-provider.js";
export { formatSummary, type ProgressReporter, progressBar } from "./progress.js";
export { fenced, type LoadReplayOptions, loadReplay, type ReplayData, ReplayProvider } from "./replay.js";
export {
  type GenerateOptions,
  type GenerationEvent,
  type GenerationJob,
  type GenerationSummary,
  generate,
  generationKey,
  type JobResult,
  type SampleResult,
} from "./runner.js";
export {
  type ChatMessage,
  PAPER_SAMPLING,
  type Provider,
  type ProviderChoice,
  type ProviderRequest,
  type ProviderResponse,
  ROLES,
  type Role,
  type Sampling,
} from "./types.js";
