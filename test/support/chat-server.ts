/**
 * A real local chat-completions server (node:http) for tests and benchmarks: speaks the OpenAI
 * `POST /v1/chat/completions` protocol including `n` and `usage`, counts what it is asked, and injects faults
 * on demand. Reuse it anywhere a model server is needed:
 *
 *   const server = await startChatServer({ latencyMs: 20, respond: ({ prompt }) => "```python\nx = 1\n```" });
 *   // point the client at server.baseURL (ends in /v1), then inspect server.stats
 *   await server.close();
 *
 * Faults are chosen per request by `fault(request, requestNumber)`:
 * - `{ kind: "status", status: 429, headers: { "retry-after": "1" } }`: an error status with headers
 * - `{ kind: "hang" }`: accept the request and never answer (clients must time out)
 * - `{ kind: "malformed" }`: 200 with a JSON body cut short
 * - `{ kind: "html" }`: 200 with an HTML page (a web UI or a proxy's login page where the API should be)
 * - `{ kind: "reset" }`: destroy the socket without a response
 * - `{ kind: "empty" }`: 200 with the first choice's content empty
 *
 * Run standalone (`npx tsx test/support/chat-server.ts`, env CHAT_SERVER_LATENCY_MS, CHAT_SERVER_PORT,
 * CHAT_SERVER_NO_N=1) it prints `listening <baseURL>` and serves `GET /_stats` and `POST /_reset`, so a
 * server in its own process can be measured without sharing the client's event loop.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { pathToFileURL } from "node:url";

export interface ChatRequestBody {
  model: string;
  messages: { role: string; content: string }[];
  n?: number;
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  [k: string]: unknown;
}

export interface ReceivedRequest {
  body: ChatRequestBody;
  /** The last user message's content. */
  prompt: string;
  /** Completions asked for (`n`, default 1). */
  n: number;
  headers: IncomingMessage["headers"];
}

export type Fault =
  | { kind: "status"; status: number; headers?: Record<string, string>; body?: string }
  | { kind: "hang" }
  | { kind: "malformed" }
  | { kind: "html" }
  | { kind: "reset" }
  | { kind: "empty" };

export interface ChatServerOptions {
  /** TCP port (default: any free one). */
  port?: number;
  /** Delay before each answer (ms). */
  latencyMs?: number;
  /** When false the server ignores `n` and returns one choice, like some llama.cpp/Ollama builds. */
  supportsN?: boolean;
  /** Text of completion `choice` for a request; the default returns a unique fenced Python snippet. */
  respond?: (request: ReceivedRequest, choice: number, serial: number) => string;
  /** Fault to inject for the `requestNumber`-th request (1-based), or undefined to answer normally. */
  fault?: (request: ReceivedRequest, requestNumber: number) => Fault | undefined;
}

export interface ChatServerStats {
  /** HTTP requests received on the completions route. */
  requests: number;
  /** Sum of `n` over those requests: how many samples the client asked for. */
  samplesAsked: number;
  /** Choices actually returned with content. */
  samplesServed: number;
  inFlight: number;
  maxInFlight: number;
  /** Requests whose client hung up before the answer was ready (an aborted request). */
  abandoned: number;
  faults: Record<string, number>;
  /** Every request received, in arrival order. */
  log: ReceivedRequest[];
}

export interface ChatServer {
  /** Base URL for an OpenAI client, e.g. `http://127.0.0.1:34567/v1`. */
  baseURL: string;
  port: number;
  stats: ChatServerStats;
  /** Zero the counters (the log too). */
  reset(): void;
  close(): Promise<void>;
}

/**
 * Unique, extractable answers: a unittest class for unit-test prompts (CodeRM's prompt mentions
 * "unittest"), else a one-function solution. `serial` makes every completion distinct.
 */
export function defaultRespond(request: ReceivedRequest, choice: number, serial: number): string {
  if (request.prompt.includes("unittest")) {
    return `\`\`\`python\nimport unittest\n\nclass TestSample${serial}(unittest.TestCase):\n    def test_${choice}(self):\n        self.assertEqual(${serial}, ${serial})\n\`\`\`\n`;
  }
  return `Here is the code:\n\`\`\`python\ndef f():\n    return ${serial}  # choice ${choice} of ${request.n}\n\`\`\`\n`;
}

export async function startChatServer(options: ChatServerOptions = {}): Promise<ChatServer> {
  const respond = options.respond ?? defaultRespond;
  const supportsN = options.supportsN ?? true;
  let serial = 0;
  const fresh = (): ChatServerStats => ({
    requests: 0,
    samplesAsked: 0,
    samplesServed: 0,
    inFlight: 0,
    maxInFlight: 0,
    abandoned: 0,
    faults: {},
    log: [],
  });
  const stats = fresh();
  const sockets = new Set<Socket>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    // Control routes, so a server in another process (`tsx test/support/chat-server.ts`) can be observed.
    if (req.url === "/_stats") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ...stats, log: undefined }));
      return;
    }
    if (req.url === "/_reset" && req.method === "POST") {
      Object.assign(stats, fresh());
      res.writeHead(204).end();
      return;
    }
    if (req.method !== "POST" || !/\/chat\/completions$/.test(req.url ?? "")) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "not found" } }));
      return;
    }
    let body: ChatRequestBody;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ChatRequestBody;
    } catch {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "bad JSON" } }));
      return;
    }
    const n = body.n ?? 1;
    const lastUser = [...body.messages].reverse().find((m) => m.role === "user");
    const request: ReceivedRequest = { body, prompt: lastUser?.content ?? "", n, headers: req.headers };
    stats.requests++;
    stats.samplesAsked += n;
    stats.log.push(request);
    const number = stats.requests;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    let done = false;
    const leave = () => {
      if (!done) {
        done = true;
        stats.inFlight--;
      }
    };
    res.on("close", leave);
    const fault = options.fault?.(request, number);
    if (fault) stats.faults[fault.kind] = (stats.faults[fault.kind] ?? 0) + 1;
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    if (done || res.destroyed) {
      stats.abandoned++;
      return;
    }
    if (fault?.kind === "hang") return; // the socket stays open until the client gives up
    if (fault?.kind === "reset") {
      req.socket.destroy();
      leave();
      return;
    }
    if (fault?.kind === "status") {
      res.writeHead(fault.status, { "content-type": "application/json", ...(fault.headers ?? {}) });
      res.end(fault.body ?? JSON.stringify({ error: { message: `injected ${fault.status}` } }));
      leave();
      return;
    }
    if (fault?.kind === "html") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end("<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Sign in</body></html>\n");
      leave();
      return;
    }
    if (fault?.kind === "malformed") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"id": "x", "choices": [ {"index": 0, "message": ');
      leave();
      return;
    }
    const count = supportsN ? n : 1;
    const choices = Array.from({ length: count }, (_, i) => {
      const text = fault?.kind === "empty" && i === 0 ? "" : respond(request, i, ++serial);
      if (text !== "") stats.samplesServed++;
      return {
        index: i,
        message: { role: "assistant", content: text },
        finish_reason: "stop",
        logprobs: null,
      };
    });
    const promptTokens = Math.ceil(request.prompt.length / 4);
    const completionTokens = choices.reduce((s, c) => s + Math.ceil(c.message.content.length / 4), 0);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        id: `chatcmpl-${number}`,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices,
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
        },
      }),
    );
    leave();
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      res.destroy(e as Error);
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    port,
    stats,
    reset() {
      Object.assign(stats, fresh());
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = await startChatServer({
    latencyMs: Number(process.env.CHAT_SERVER_LATENCY_MS ?? 0),
    supportsN: process.env.CHAT_SERVER_NO_N !== "1",
    port: Number(process.env.CHAT_SERVER_PORT ?? 0),
  });
  process.stdout.write(`listening ${server.baseURL}\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
