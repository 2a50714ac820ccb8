import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedis, startWorker, until, type WorkerProc } from "../queue/support.js";

let redis: RedisServer;
let worker: WorkerProc;

beforeAll(async () => {
  redis = await startRedis();
  worker = await startWorker(redis.url, { queue: "serve-test" });
}, 90_000);
afterAll(async () => {
  worker?.proc.kill("SIGKILL");
  await redis?.dispose();
});

describe("coderm serve --queue", () => {
  it("is a front door: /v1/score's pairs run on a coderm worker through Redis", async () => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/cli/main.ts",
        "serve",
        "--port",
        "0",
        "--queue",
        redis.url,
        "--queue-name",
        "serve-test",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let err = "";
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    try {
      const m = await until("serve to listen", () => /listening on (http:\S+)/.exec(err), 60_000);
      const url = m[1]!;
      expect(err).toContain(`pairs through ${redis.url}`);
      const r = await fetch(`${url}/v1/score`, {
        method: "POST",
        body: JSON.stringify({
          format: "assert",
          solutions: ["def f(x):\n    return x * 2\n", "def f(x):\n    return x + 2\n"],
          tests: [["assert f(2) == 4"], ["assert f(3) == 6"]],
        }),
      });
      expect(r.status).toBe(200);
      expect(((await r.json()) as { matrix: number[][] }).matrix).toEqual([
        [1, 1],
        [1, 0],
      ]);
      await until("the worker to log a shard", () => /shard/.test(worker.log()), 10_000);
    } finally {
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    }
  });
});
