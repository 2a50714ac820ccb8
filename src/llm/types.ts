import type { ChatMessage } from "../prompts/prompt-record.js";

export type { ChatMessage };

export const ROLES = ["policy", "tester"] as const;
/** `policy` samples solutions, `tester` samples unit tests. */
export type Role = (typeof ROLES)[number];

/** Sampling parameters sent with every request (snake_case: they are the wire names). */
export interface Sampling {
  temperature: number;
  top_p: number;
  max_tokens: number;
}

/** The paper's sampling for both models (METHOD §1). */
export const PAPER_SAMPLING: Readonly<Sampling> = Object.freeze({
  temperature: 0.8,
  top_p: 0.95,
  max_tokens: 2048,
});

/** One request to a provider: `n` completions of one chat, destined for the given sample indices. */
export interface ProviderRequest {
  taskId: string;
  messages: ChatMessage[];
  sampling: Sampling;
  /** Sample indices this request fills; `n` is their count. Replay providers answer by index. */
  sampleIndices: number[];
  signal: AbortSignal;
}

export interface ProviderChoice {
  /** Null or empty when the server returned an empty choice. */
  text: string | null;
  finishReason: string | null;
}

export interface ProviderResponse {
  choices: ProviderChoice[];
  promptTokens?: number;
  completionTokens?: number;
  model?: string;
}

/** Anything that can answer chat requests: an OpenAI-compatible server, or recorded responses. */
export interface Provider {
  readonly name: string;
  readonly model: string;
  /**
   * Whether one request may ask for several completions (`n`). `undefined` = not known yet: the runner tries
   * and sets it to false when a server answers with fewer choices than asked.
   */
  supportsN: boolean | undefined;
  /**
   * True when answers depend on the task id, not only on the chat (replays): identical prompts of different
   * tasks are then distinct requests, neither shared in flight nor cached together.
   */
  readonly answersByTask?: boolean;
  complete(request: ProviderRequest): Promise<ProviderResponse>;
}
