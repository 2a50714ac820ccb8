import OpenAI from "openai";
import type { ChatCompletion } from "openai/resources/chat/completions";
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
    // The raw response, not the client's parse: the client hands back an HTML page as a string, and a
    // non-JSON body must be told apart from a truncated one (only the latter is worth retrying).
    const response = await this.client.chat.completions
      .create(
        {
          model: this.model,
          messages: request.messages,
          temperature: request.sampling.temperature,
          top_p: request.sampling.top_p,
          max_tokens: request.sampling.max_tokens,
          ...(n > 1 ? { n } : {}),
        },
        { signal: request.signal },
      )
      .asResponse();
    const res = parseBody(await response.text(), response.headers.get("content-type")) as ChatCompletion;
    if (!res || !Array.isArray(res.choices)) {
      const error = (res as { error?: { message?: string } } | null)?.error?.message;
      throw new RequestFailure(
        "malformed",
        `response has no choices array${error ? ` (error: ${String(error).slice(0, 200)})` : ""}`,
      );
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

/**
 * A 2xx body as JSON. Markup or a non-JSON content type means the URL is not an OpenAI-compatible API (a
 * web UI, a login page): `not-api`, which the runner does not retry. A JSON body cut short is `malformed`.
 */
function parseBody(text: string, contentType: string | null): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const head = text.trimStart();
    const json = /\bjson\b/i.test(contentType ?? "");
    if (head.startsWith("<"))
      throw new RequestFailure(
        "not-api",
        `answered with an HTML page (${contentType ?? "no content type"}), not JSON`,
      );
    if (!json)
      throw new RequestFailure(
        "not-api",
        `answered with a non-JSON body (${contentType ?? "no content type"}): ${JSON.stringify(head.slice(0, 60))}`,
      );
    throw new RequestFailure("malformed", `malformed JSON response: ${(e as Error).message.slice(0, 120)}`);
  }
}
