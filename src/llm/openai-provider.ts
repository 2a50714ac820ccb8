import OpenAI from "openai";
import { CodermError } from "../errors.js";
import { RequestFailure } from "./errors.js";
import type { Provider, ProviderRequest, ProviderResponse } from "./types.js";

export interface OpenAIProviderOptions {
  baseURL: string;
  /** Name of the environment variable holding the key; the key itself is never stored or printed. */
  apiKeyEnv: string;
  model: string;
  /** Set when the server is known not to support `n` (skips detection). */
  supportsN?: boolean;
  /** Environment to read the key from (tests pass their own). */
  env?: NodeJS.ProcessEnv;
}

/**
 * An OpenAI-compatible chat-completions server (vLLM, SGLang, llama.cpp, Ollama, hosted APIs) through the
 * official client. The client's own retries and timeout are disabled: the runner retries with its own
 * policy and aborts each request at its own deadline.
 */
export class OpenAIProvider implements Provider {
  readonly name: string;
  readonly model: string;
  supportsN: boolean | undefined;
  private readonly client: OpenAI;

  constructor(options: OpenAIProviderOptions) {
    if (!options.baseURL)
      throw new CodermError("E_CONFIG", "no server URL: pass --base-url or set OPENAI_BASE_URL");
    if (!options.model) throw new CodermError("E_CONFIG", "no model name: pass --model", "--model");
    const env = options.env ?? process.env;
    // Local servers accept any key; the client insists on a non-empty one.
    const apiKey = env[options.apiKeyEnv] || "not-needed";
    this.client = new OpenAI({ baseURL: options.baseURL, apiKey, maxRetries: 0, timeout: 24 * 3600 * 1000 });
    this.model = options.model;
    this.name = `openai-compatible ${options.baseURL}`;
    this.supportsN = options.supportsN;
  }

  async complete(request: ProviderRequest): Promise<ProviderResponse> {
    const n = request.sampleIndices.length;
    const res = await this.client.chat.completions.create(
      {
        model: this.model,
        messages: request.messages,
        temperature: request.sampling.temperature,
        top_p: request.sampling.top_p,
        max_tokens: request.sampling.max_tokens,
        ...(n > 1 ? { n } : {}),
      },
      { signal: request.signal },
    );
    if (!res || !Array.isArray(res.choices)) {
      throw new RequestFailure("malformed", "response has no choices array");
    }
    const choices = [...res.choices]
      .sort((a, b) => (a.index ?? 0) - (b.index ?? 0))
      .map((c) => ({ text: c.message?.content ?? null, finishReason: c.finish_reason ?? null }));
    return {
      choices,
      promptTokens: res.usage?.prompt_tokens,
      completionTokens: res.usage?.completion_tokens,
      model: res.model,
    };
  }
}
