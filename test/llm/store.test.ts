import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isCodermError } from "../../src/errors.js";
import {
  canonicalJson,
  type Migration,
  openStore,
  ResponseCache,
  requestKey,
} from "../../src/store/index.js";

const dir = mkdtempSync(join(tmpdir(), "coderm-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("store", () => {
  it("opens in WAL mode and applies each stage's migrations once, in order", () => {
    const path = join(dir, "m.sqlite");
    const applied: string[] = [];
    const sandbox: Migration[] = [
      {
        stage: "sandbox",
        version: 2,
        up: (db) => {
          applied.push("s2");
          db.exec("ALTER TABLE t ADD COLUMN b");
        },
      },
      {
        stage: "sandbox",
        version: 1,
        up: (db) => {
          applied.push("s1");
          db.exec("CREATE TABLE t (a)");
        },
      },
    ];
    const s1 = openStore(path, { migrations: sandbox });
    expect(s1.db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(s1.version("sandbox")).toBe(2);
    s1.db.prepare("INSERT INTO t (a, b) VALUES (1, 2)").run();
    s1.close();
    const s2 = openStore(path, { migrations: sandbox });
    expect(applied).toEqual(["s1", "s2"]);
    expect(s2.db.prepare("SELECT a, b FROM t").get()).toEqual({ a: 1, b: 2 });
    s2.close();
  });

  it("refuses a migration list with a gap", () => {
    const err = (() => {
      try {
        openStore(":memory:", { migrations: [{ stage: "x", version: 2, up: () => {} }] });
      } catch (e) {
        return e;
      }
    })();
    expect(isCodermError(err) && err.code).toBe("E_STORE");
  });

  it("caches responses per (request, sample index) across reopenings, never empty ones", () => {
    const path = join(dir, "c.sqlite");
    const key = requestKey({ model: "m", messages: [{ role: "user", content: "hi" }] });
    const cache = new ResponseCache(openStore(path));
    const base = {
      key,
      finishReason: "stop",
      promptTokens: 3,
      completionTokens: 5,
      latencyMs: 12.5,
      model: "m",
    };
    cache.put({ ...base, index: 0, text: "a" });
    cache.put({ ...base, index: 2, text: "c" });
    cache.put({ ...base, index: 1, text: "  " });
    cache.store.close();
    const again = new ResponseCache(openStore(path));
    const got = again.samples(key);
    expect([...got.keys()].sort()).toEqual([0, 2]);
    expect(got.get(2)).toMatchObject({ text: "c", promptTokens: 3, completionTokens: 5, latencyMs: 12.5 });
    expect(again.samples(requestKey({ other: true })).size).toBe(0);
    const run = again.startRun("generate", { n: 3 });
    again.finishRun(run, "done", { samples: 3 });
    const row = again.store.db.prepare("SELECT status, summary_json FROM runs WHERE run_id = ?").get(run);
    expect(row).toEqual({ status: "done", summary_json: '{"samples":3}' });
    again.store.close();
  });

  it("keys requests canonically: key order does not matter, values do", () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe('{"a":[{"x":1,"y":2}],"b":1}');
    expect(requestKey({ a: 1, b: 2 })).toBe(requestKey({ b: 2, a: 1 }));
    expect(requestKey({ a: 1 })).not.toBe(requestKey({ a: 2 }));
  });
});
