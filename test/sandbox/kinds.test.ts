import { mkdtempSync, writeFileSync } from "node:fs";
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
    "    return {'sum': job['a'] + job['b'], 'uid': os.getuid(), 'env': dict(os.environ)}",
    "",
  ].join("\n"),
);
let sb: Sandbox;
beforeAll(async () => {
  sb = await Sandbox.start({ workers: 1, extraKinds: [ECHO] });
});
afterAll(async () => {
  await sb?.close();
});

describe("kind plugins", () => {
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
