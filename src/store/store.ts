import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { CodermError } from "../errors.js";

export type SqliteDb = Database.Database;

/**
 * One schema step of one stage. Stages own a namespace (`llm`, `run`, `sandbox`, ...) and number their own
 * steps from 1, so engineers adding tables never collide on a global version counter.
 */
export interface Migration {
  stage: string;
  version: number;
  up: (db: SqliteDb) => void;
}

const builtin: Migration[] = [];

/** Register migrations that every `openStore` applies (a stage calls this once when its module loads). */
export function registerMigrations(migrations: Migration[]): void {
  builtin.push(...migrations);
}

export interface OpenStoreOptions {
  /** Extra migrations to apply for this open only. */
  migrations?: Migration[];
  readonly?: boolean;
}

/**
 * The run store: one SQLite file in WAL mode (readers never block the writer; a killed process loses at
 * most the transaction in progress). `:memory:` works for tests.
 */
export class Store {
  readonly db: SqliteDb;

  constructor(
    readonly path: string,
    options: OpenStoreOptions = {},
  ) {
    try {
      if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
      this.db = new Database(path, { readonly: options.readonly ?? false });
      if (!options.readonly) {
        this.db.pragma("journal_mode = WAL");
        this.db.pragma("synchronous = NORMAL");
      }
      this.db.pragma("busy_timeout = 5000");
    } catch (e) {
      throw new CodermError("E_STORE", `cannot open store: ${(e as Error).message}`, path, { cause: e });
    }
    this.db.exec(
      "CREATE TABLE IF NOT EXISTS schema_versions (stage TEXT PRIMARY KEY, version INTEGER NOT NULL, updated_at TEXT NOT NULL)",
    );
    this.migrate([...builtin, ...(options.migrations ?? [])]);
  }

  /** Apply every migration newer than the stage's recorded version, each in its own transaction. */
  migrate(migrations: Migration[]): void {
    const current = this.db.prepare<[string], { version: number }>(
      "SELECT version FROM schema_versions WHERE stage = ?",
    );
    const record = this.db.prepare(
      "INSERT INTO schema_versions (stage, version, updated_at) VALUES (?, ?, datetime('now')) ON CONFLICT(stage) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at",
    );
    const sorted = [...migrations].sort((a, b) => a.stage.localeCompare(b.stage) || a.version - b.version);
    for (const m of sorted) {
      const have = current.get(m.stage)?.version ?? 0;
      if (m.version <= have) continue;
      if (m.version !== have + 1) {
        throw new CodermError(
          "E_STORE",
          `migration ${m.stage}@${m.version} skips version ${have + 1}`,
          this.path,
        );
      }
      this.db.transaction(() => {
        m.up(this.db);
        record.run(m.stage, m.version);
      })();
    }
  }

  /** The schema version applied for a stage (0 when none). */
  version(stage: string): number {
    const row = this.db
      .prepare<[string], { version: number }>("SELECT version FROM schema_versions WHERE stage = ?")
      .get(stage);
    return row?.version ?? 0;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

export function openStore(path: string, options?: OpenStoreOptions): Store {
  return new Store(path, options);
}
