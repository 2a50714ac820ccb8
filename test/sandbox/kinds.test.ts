import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/index.js";
import { ADD, ut } from "./helpers.js";

// A child-side kind written for this test (product Python lives only in src/sandbox/harness).
const ECHO = join(mkdtempSync(join(tmpdir(), "coderm-kind-")), "echo_kind.py");
writeFileSync(
  ECHO,
  [
    "import os",
    "def run(job, ctx):",
    "    if job.get('mode') == 'hang':",
    "        while True:",
    "            pass",
    "    if job.get('mode') == 'exit':",
    "        os._exit(0)",
    "    if job.get('mode') == 'raise':",
    "        raise ValueError('asked to fail')",
    "    if job.get('mode') in ('read', 'write'):",
    "        try:",
    "            with open(job['path'], 'r' if job['mode'] == 'read' else 'a') as f:",
    "                return {'text': f.read() if job['mode'] == 'read' else f.write('x')}",
    "        except OSError as e:",
    "            return {'error': type(e).__name__}",
    "    return {'sum': job['a'] + job['b'], 'uid': os.getuid(), 'env': dict(os.environ)}",
    "",
  ].join("\n"),
);
// A judge-side kind that runs its own function in a fresh candidate (ctx.run_candidate): it must say so
// (CANDIDATE_SIDE), since candidates cannot read /harness and only such kinds are loaded before the zygote forks.
const RELAY = join(mkdtempSync(join(tmpdir(), "coderm-kind-")), "relay_kind.py");
writeFileSync(
  RELAY,
  [
    "import os",
    "JUDGE_SIDE = True",
    "CANDIDATE_SIDE = True",
    "def work(chan, payload):",
    "    chan.send({'pid': os.getpid(), 'x': payload['x'] * 2})",
    "def run(job, ctx):",
    "    got = []",
    "    out = ctx.run_candidate(work, job['call'], 5.0, got.append)",
    "    ctx.emit({'key': 'call', 'ok': True, 'result': {'status': out['status'], 'records': got}})",
    "",
  ].join("\n"),
);
// Host files a job may be given (shared) and one it must not see.
const HOST = mkdtempSync(join(tmpdir(), "coderm-host-"));
writeFileSync(join(HOST, "truth.txt"), "expected", { mode: 0o644 });
writeFileSync(join(HOST, "private.txt"), "secret", { mode: 0o600 });
writeFileSync(join(HOST, "hidden.txt"), "hidden", { mode: 0o644 });
let sb: Sandbox;
beforeAll(async () => {
  sb = await Sandbox.start({ workers: 1, extraKinds: [ECHO, RELAY] });
});
afterAll(async () => {
  await sb?.close();
});

describe("kind plugins", () => {
  it("runs a CANDIDATE_SIDE kind's own function in a fresh candidate", async () => {
    const r = await sb.call("relay_kind", { x: 21 }, 10_000);
    expect(r).toMatchObject({ ok: true, result: { status: "done" } });
    const recs = (r as { result: { records: { pid: number; x: number }[] } }).result.records;
    expect(recs.map((x) => x.x)).toEqual([42]);
    if (sb.isolation.layers.candidates?.ok) expect(recs[0]!.pid).toBe(1); // pid 1 of its own namespace
  });

  it("runs a child-side kind in an isolated child and returns its result or why not", async () => {
    const ex = sb.executor("echo_kind");
    expect(ex.concurrency).toBe(1);
    const ok = await ex.run({ a: 2, b: 3 }, 5000);
    expect(ok).toMatchObject({ ok: true, result: { sum: 5, env: {} } });
    expect((ok as { result: { uid: number } }).result.uid).not.toBe(0);
    expect(await ex.run({ mode: "raise" }, 5000)).toEqual({ ok: false, error: "ValueError: asked to fail" });
    expect(await ex.run({ mode: "hang" }, 300)).toEqual({ ok: false, error: "timeout" });
    const crash = await ex.run({ mode: "exit" }, 5000);
    expect(crash.ok).toBe(false);
    // the same workers still run pairs
    const r = [];
    for await (const o of sb.run([ut("after", ADD, "self.assertEqual(add(1, 2), 3)")])) r.push(o);
    expect(r[0]!.verdict).toBe("pass");
  });
});

describe("shared files", () => {
  it("gives jobs read-only access to the files shared with them, and nothing else", async () => {
    const ex = sb.executor("echo_kind");
    const bwrap = sb.isolation.layers.namespaces?.ok === true;
    const truth = ex.share(join(HOST, "truth.txt"));
    // Under bubblewrap the job sees the share folder only, at /share; the host path is gone.
    if (bwrap) expect(truth).toMatch(/^\/share\/[0-9a-f]{16}-truth\.txt$/);
    expect(ex.share(join(HOST, "truth.txt"))).toBe(truth);
    expect(await ex.run({ mode: "read", path: truth }, 5000)).toMatchObject({
      ok: true,
      result: { text: "expected" },
    });
    // A private file is shared as a world-readable copy; the original keeps its mode.
    const priv = ex.share(join(HOST, "private.txt"));
    expect(await ex.run({ mode: "read", path: priv }, 5000)).toMatchObject({ result: { text: "secret" } });
    expect(statSync(join(HOST, "private.txt")).mode & 0o777).toBe(0o600);
    const write = await ex.run({ mode: "write", path: truth }, 5000);
    expect(write).toMatchObject({ ok: true, result: { error: expect.stringMatching(/Error$/) } });
    expect(readFileSync(join(HOST, "truth.txt"), "utf8")).toBe("expected");
    if (bwrap) {
      const hidden = await ex.run({ mode: "read", path: join(HOST, "hidden.txt") }, 5000);
      expect(hidden).toMatchObject({ ok: true, result: { error: "FileNotFoundError" } });
    }
  });
});
