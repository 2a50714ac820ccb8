/** An unreachable or misconfigured Redis is one clear line and a non-zero exit, for producers and workers. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueueExecutor, ShardWorker } from "../../src/queue/index.js";
import { finish, freePort, jsonl, makePairs, type RedisServer, spawnCli, startRedis } from "./support.js";

let evicting: RedisServer;
let dir: string;

beforeAll(async () => {
  evicting = await startRedis({ extra: ["--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru"] });
  dir = mkdtempSync(join(tmpdir(), "coderm-redis-errors-"));
  writeFileSync(join(dir, "pairs.jsonl"), jsonl(makePairs("err", 1, 1).pairs));
});

afterAll(async () => {
  await evicting?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("Redis preflight", () => {
  it("unreachable: the library rejects with E_QUEUE naming the URL; the CLI prints one line and exits 1", async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    await expect(QueueExecutor.connect({ redis: url })).rejects.toMatchObject({
      code: "E_QUEUE",
      message: expect.stringMatching(new RegExp(`^--queue ${url}: Redis is unreachable \\(.*ECONNREFUSED`)),
    });
    const r = await finish(
      spawnCli(["exec", "--pairs", "pairs.jsonl", "--out", "out.jsonl", "--queue", url], { cwd: dir }),
    );
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^coderm: --queue .*: Redis is unreachable/),
    ]);
  });

  it("an eviction policy other than noeviction is refused, by producers and workers alike", async () => {
    await expect(QueueExecutor.connect({ redis: evicting.url })).rejects.toMatchObject({
      code: "E_QUEUE",
      message: expect.stringContaining("maxmemory-policy is allkeys-lru"),
    });
    await expect(ShardWorker.start({ redis: evicting.url, concurrency: 1 })).rejects.toMatchObject({
      code: "E_QUEUE",
      message: expect.stringContaining(`--redis ${evicting.url}: maxmemory-policy is allkeys-lru`),
    });
    const r = await finish(spawnCli(["worker", "--redis", evicting.url], { cwd: dir }));
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^coderm: --redis .*: maxmemory-policy is allkeys-lru.*set it to noeviction/);
  });

  it("a URL that is not redis:// names the flag", async () => {
    const r = await finish(spawnCli(["worker", "--redis", "http://localhost:6379"], { cwd: dir }));
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'coderm: --redis: not a Redis URL: "http://localhost:6379" (expected redis://host:port)',
    );
  });
});
