import type { Migration, Store } from "./store.js";

/** One cached model response: one sample of one request. */
export interface CachedResponse {
  key: string;
  index: number;
  text: string;
  finishReason: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  latencyMs: number;
  model: string | null;
}

export const LLM_MIGRATIONS: Migration[] = [
  {
    stage: "llm",
    version: 1,
    up: (db) => {
      db.exec(`
        CREATE TABLE llm_requests (
          request_key TEXT PRIMARY KEY,
          role TEXT NOT NULL,
          model TEXT NOT NULL,
          request_json TEXT NOT NULL,
          created_at TEXT NOT NULL DEFAULT (datetime('now'))
        );
        CREATE TABLE llm_responses (
          request_key TEXT NOT NULL,
          sample_index INTEGER NOT NULL,
          text TEXT NOT NULL,
          finish_reason TEXT,
          prompt_tokens INTEGER,
          completion_tokens INTEGER,
          latency_ms REAL NOT NULL,
          model TEXT,
          created_at TEXT NOT NULL DEFAULT (datetime('now')),
          PRIMARY KEY (request_key, sample_index)
        );
        CREATE TABLE runs (
          run_id INTEGER PRIMARY KEY AUTOINCREMENT,
          command TEXT NOT NULL,
          args_json TEXT NOT NULL,
          started_at TEXT NOT NULL DEFAULT (datetime('now')),
          finished_at TEXT,
          status TEXT NOT NULL DEFAULT 'running',
          summary_json TEXT
        );
      `);
    },
  },
  {
    stage: "llm",
    version: 2,
    up: (db) => {
      // What was learnt about a server (does it honour `n`?), so later runs skip the probing.
      db.exec(
        "CREATE TABLE llm_servers (server TEXT PRIMARY KEY, supports_n INTEGER, updated_at TEXT NOT NULL)",
      );
    },
  },
];

interface Row {
  sample_index: number;
  text: string;
  finish_reason: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  latency_ms: number;
  model: string | null;
}

/**
 * Responses keyed by (request key, sample index). Only non-empty successful responses are written, each in
 * its own autocommit statement, so a run killed at any moment keeps every sample it had received.
 */
export class ResponseCache {
  private readonly selectAll;
  private readonly insert;
  private readonly insertRequest;

  constructor(readonly store: Store) {
    store.migrate(LLM_MIGRATIONS);
    const db = store.db;
    this.selectAll = db.prepare<[string], Row>(
      "SELECT sample_index, text, finish_reason, prompt_tokens, completion_tokens, latency_ms, model FROM llm_responses WHERE request_key = ?",
    );
    this.insert = db.prepare(
      "INSERT OR REPLACE INTO llm_responses (request_key, sample_index, text, finish_reason, prompt_tokens, completion_tokens, latency_ms, model) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.insertRequest = db.prepare(
      "INSERT OR IGNORE INTO llm_requests (request_key, role, model, request_json) VALUES (?, ?, ?, ?)",
    );
  }

  /** Every cached sample of a request, by sample index. */
  samples(key: string): Map<number, CachedResponse> {
    const out = new Map<number, CachedResponse>();
    for (const r of this.selectAll.all(key)) {
      out.set(r.sample_index, {
        key,
        index: r.sample_index,
        text: r.text,
        finishReason: r.finish_reason,
        promptTokens: r.prompt_tokens,
        completionTokens: r.completion_tokens,
        latencyMs: r.latency_ms,
        model: r.model,
      });
    }
    return out;
  }

  /** Remember the request itself (provenance: which model, prompt and sampling produced a key). */
  recordRequest(key: string, role: string, model: string, requestJson: string): void {
    this.insertRequest.run(key, role, model, requestJson);
  }

  put(r: CachedResponse): void {
    if (r.text.trim() === "") return;
    this.insert.run(
      r.key,
      r.index,
      r.text,
      r.finishReason,
      r.promptTokens,
      r.completionTokens,
      r.latencyMs,
      r.model,
    );
  }

  /** Whether `server` was seen honouring `n` (undefined: never probed). */
  serverSupportsN(server: string): boolean | undefined {
    const row = this.store.db
      .prepare<[string], { supports_n: number | null }>("SELECT supports_n FROM llm_servers WHERE server = ?")
      .get(server);
    return row?.supports_n === null || row === undefined ? undefined : row.supports_n === 1;
  }

  rememberSupportsN(server: string, supportsN: boolean): void {
    this.store.db
      .prepare(
        "INSERT INTO llm_servers (server, supports_n, updated_at) VALUES (?, ?, datetime('now')) ON CONFLICT(server) DO UPDATE SET supports_n = excluded.supports_n, updated_at = excluded.updated_at",
      )
      .run(server, supportsN ? 1 : 0);
  }

  /** Start a run record; returns its id. */
  startRun(command: string, args: unknown): number {
    const info = this.store.db
      .prepare("INSERT INTO runs (command, args_json) VALUES (?, ?)")
      .run(command, JSON.stringify(args));
    return Number(info.lastInsertRowid);
  }

  finishRun(runId: number, status: string, summary: unknown): void {
    this.store.db
      .prepare("UPDATE runs SET finished_at = datetime('now'), status = ?, summary_json = ? WHERE run_id = ?")
      .run(status, JSON.stringify(summary), runId);
  }
}
