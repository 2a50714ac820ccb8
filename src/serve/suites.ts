/**
 * Test suites registered once (`POST /v1/suites`) and named by id in later calls, so a trainer sends its
 * tests once per problem instead of once per rollout. The id is a hash of the content: registering the
 * same suite twice gives the same id (idempotent), from any replica. With `--store FILE` suites live in a
 * SQLite file too, so a restarted server still knows the ids its trainers hold.
 */
import { createHash } from "node:crypto";
import Database from "better-sqlite3";
import type { SuiteTests, SuiteTestsRequest, TestFormat } from "../records.js";

export interface Suite {
  problem?: string;
  tests: (string | string[])[];
  format: TestFormat;
}

/** What `POST /v1/suites` with `generate` calls: the llm stage, wired in by the caller (`coderm serve` passes
 * run's `suiteTestGenerator`), so this layer stays below llm and store. */
export type TestGenerator = (req: SuiteTestsRequest) => Promise<SuiteTests>;

export function suiteId(s: Suite): string {
  const h = createHash("sha256").update(JSON.stringify([s.format, s.tests]));
  return `s_${h.digest("hex").slice(0, 32)}`;
}

export class SuiteStore {
  private readonly suites = new Map<string, Suite>();
  private readonly db: Database.Database | undefined;

  constructor(file?: string) {
    if (!file) return;
    this.db = new Database(file);
    this.db.pragma("journal_mode = WAL");
    this.db.exec("CREATE TABLE IF NOT EXISTS serve_suites (id TEXT PRIMARY KEY, suite TEXT NOT NULL)");
  }

  put(s: Suite): string {
    const id = suiteId(s);
    if (this.suites.has(id)) return id;
    const suite: Suite = { tests: s.tests, format: s.format, ...(s.problem ? { problem: s.problem } : {}) };
    this.suites.set(id, suite);
    this.db
      ?.prepare("INSERT OR IGNORE INTO serve_suites (id, suite) VALUES (?, ?)")
      .run(id, JSON.stringify(suite));
    return id;
  }

  get(id: string): Suite | undefined {
    const hit = this.suites.get(id);
    if (hit || !this.db) return hit;
    const row = this.db.prepare("SELECT suite FROM serve_suites WHERE id = ?").get(id) as
      | { suite: string }
      | undefined;
    if (!row) return undefined;
    const suite = JSON.parse(row.suite) as Suite;
    this.suites.set(id, suite);
    return suite;
  }

  close(): void {
    this.db?.close();
  }
}
