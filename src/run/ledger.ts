/**
 * Which stages of a run directory are finished, kept in the run's SQLite store. A stage is redone when its
 * fingerprint (a hash of its settings and of its inputs' fingerprints) changes, so editing `n` reruns
 * generation and everything after it, while a plain rerun skips every finished stage.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../store/request-key.js";
import type { Migration, Store } from "../store/store.js";

const MIGRATIONS: Migration[] = [
  {
    stage: "run",
    version: 1,
    up: (db) =>
      db.exec(
        `CREATE TABLE run_stages (
           stage TEXT PRIMARY KEY,
           fingerprint TEXT NOT NULL,
           status TEXT NOT NULL CHECK (status IN ('started', 'done')),
           info_json TEXT,
           updated_at TEXT NOT NULL
         );`,
      ),
  },
  // v1 also made run_results and run_selected, which nothing read (results.jsonl and selected.jsonl
  // hold the same): stores that have them drop them.
  {
    stage: "run",
    version: 2,
    up: (db) => db.exec("DROP TABLE IF EXISTS run_results; DROP TABLE IF EXISTS run_selected;"),
  },
];

export function fingerprint(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex").slice(0, 16);
}

export interface StageState {
  fingerprint: string;
  status: "started" | "done";
  info?: Record<string, unknown>;
}

export class Ledger {
  constructor(readonly store: Store) {
    store.migrate(MIGRATIONS);
  }

  get(stage: string): StageState | undefined {
    const row = this.store.db
      .prepare<[string], { fingerprint: string; status: "started" | "done"; info_json: string | null }>(
        "SELECT fingerprint, status, info_json FROM run_stages WHERE stage = ?",
      )
      .get(stage);
    if (!row) return undefined;
    return {
      fingerprint: row.fingerprint,
      status: row.status,
      ...(row.info_json ? { info: JSON.parse(row.info_json) as Record<string, unknown> } : {}),
    };
  }

  isDone(stage: string, fp: string): boolean {
    const s = this.get(stage);
    return s?.status === "done" && s.fingerprint === fp;
  }

  mark(stage: string, fp: string, status: "started" | "done", info?: Record<string, unknown>): void {
    this.store.db
      .prepare(
        "INSERT INTO run_stages (stage, fingerprint, status, info_json, updated_at) VALUES (?, ?, ?, ?, datetime('now')) ON CONFLICT(stage) DO UPDATE SET fingerprint = excluded.fingerprint, status = excluded.status, info_json = excluded.info_json, updated_at = excluded.updated_at",
      )
      .run(stage, fp, status, info ? JSON.stringify(info) : null);
  }
}
