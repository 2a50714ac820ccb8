import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/index.js";
import { type RunningServer, startServer } from "../../src/serve/index.js";

let sb: Sandbox;
let srv: RunningServer;

beforeAll(async () => {
  sb = await Sandbox.start({ workers: 1, assertTimeout: 5 });
  srv = await startServer({ executor: sb, programs: sb, port: 0, maxQueuedPairs: 40 });
});
afterAll(async () => {
  await srv?.close();
  await sb?.close();
});

const post = (url: string, path: string, body: unknown, signal?: AbortSignal) =>
  fetch(`${url}${path}`, { method: "POST", body: JSON.stringify(body), signal });
const until = async (cond: () => boolean | Promise<boolean>) => {
  while (!(await cond())) await new Promise((r) => setTimeout(r, 20));
};
/** n distinct solutions (one sandbox job each) against one assert test that sleeps `s` seconds. */
const slow = (n: number, s: number) => ({
  format: "assert",
  strategy: "pass-rate",
  solutions: Array.from(
    { length: n },
    (_, i) => `import time\ndef f():\n    time.sleep(${s})\n    return ${i % 2}\n`,
  ),
  tests: [["assert f() == 0"]],
});
const pairsDone = async (url: string) => {
  const text = await (await fetch(`${url}/metrics`)).text();
  return [...text.matchAll(/^coderm_pairs_total\{[^}]*\} (\d+)/gm)].reduce((a, m) => a + Number(m[1]), 0);
};

describe("operations", () => {
  it("answers 429 with Retry-After when the pair queue is full, and serves the admitted request", async () => {
    const first = post(srv.url, "/v1/score", slow(30, 0.05));
    await until(() => srv.queuedPairs > 0);
    const refused = await post(srv.url, "/v1/score", slow(11, 0));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1");
    const ok = await first;
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { results: { reward: number }[] };
    expect(body.results.map((r) => r.reward)).toEqual(
      Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 1 : 0)),
    );
  });

  it("cancels a disconnected client's queued pairs", async () => {
    const before = await pairsDone(srv.url);
    const stop = new AbortController();
    const gone = post(srv.url, "/v1/score", slow(30, 0.5), stop.signal).catch((e: Error) => e);
    await until(() => srv.queuedPairs > 0);
    stop.abort();
    expect(await gone).toBeInstanceOf(Error);
    await until(() => srv.queuedPairs === 0);
    // 30 pairs of 0.5 s on one worker: had they not been dropped, all 30 would have been counted.
    expect((await pairsDone(srv.url)) - before).toBeLessThan(30);
    const next = await post(srv.url, "/v1/score", slow(2, 0));
    expect(next.status).toBe(200);
  });

  it("answers 504 at a request's deadline and stops spending on it", async () => {
    const before = await pairsDone(srv.url);
    const r = await post(srv.url, "/v1/score", { ...slow(10, 0.5), deadline_ms: 700 });
    expect(r.status).toBe(504);
    expect(await r.json()).toEqual({ error: "deadline exceeded" });
    await until(() => srv.queuedPairs === 0);
    expect((await pairsDone(srv.url)) - before).toBeLessThan(10);
  });

  it("survives a SIGKILLed sandbox worker mid-request: the pairs are retried, no 500", async () => {
    const res = post(srv.url, "/v1/score", slow(8, 0.2));
    await until(() => srv.queuedPairs > 0);
    await new Promise((r) => setTimeout(r, 300));
    for (const pid of sb.workerPids) process.kill(pid, "SIGKILL");
    const r = await res;
    expect(r.status).toBe(200);
    const body = (await r.json()) as { results: { verdicts: string[] }[] };
    expect(body.results.map((x) => x.verdicts[0])).toEqual(
      Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? "pass" : "fail")),
    );
  });

  it("contains hostile code through /run_code as coderm exec does", async () => {
    const run = async (code: string) =>
      (await (await post(srv.url, "/run_code", { code, run_timeout: 5 })).json()) as {
        status: string;
        run_result: { stdout: string; return_code: number };
      };
    const port = new URL(srv.url).port;
    const net = await run(
      `import socket\ntry:\n    socket.create_connection(("127.0.0.1", ${port}), timeout=1)\n    print("reached")\nexcept OSError:\n    print("blocked")`,
    );
    expect(net.run_result.stdout, JSON.stringify(net)).toBe("blocked\n");
    const fs = await run(`import os\nprint(os.path.exists(${JSON.stringify(process.cwd())}), os.getuid())`);
    expect(fs.run_result.stdout).toBe("False 65534\n");
    await run(
      "import os, signal\nfor p in (-1, os.getppid(), 1):\n    try:\n        os.kill(p, signal.SIGKILL)\n    except OSError:\n        pass",
    );
    const fork = await run(
      "import os\nfor _ in range(10000):\n    try:\n        os.fork()\n    except OSError:\n        break\nprint('done')",
    );
    expect(fork.status).toBeDefined();
    const after = await run("print('still here')");
    expect(after).toMatchObject({ status: "Success", run_result: { stdout: "still here\n" } });
    expect((await fetch(`${srv.url}/healthz`)).status).toBe(200);
  });

  it("drains on SIGTERM: admitted requests finish, new ones get 503, then it exits 0", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", "serve", "--port", "0", "--workers", "1"],
      {
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let err = "";
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    await until(() => /listening on (http:\S+)/.test(err));
    const url = /listening on (http:\S+)/.exec(err)![1]!;
    const inflight = post(url, "/v1/score", slow(4, 0.3));
    await until(
      async () =>
        ((await (await fetch(`${url}/healthz`)).json()) as { queued_pairs: number }).queued_pairs > 0,
    );
    child.kill("SIGTERM");
    await until(() => err.includes("draining"));
    const late = await post(url, "/v1/score", slow(1, 0));
    expect(late.status).toBe(503);
    expect((await inflight).status).toBe(200);
    expect(await exited).toBe(0);
  });
});
