import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/index.js";
import { ADD, ut } from "./helpers.js";

const ECHO = fileURLToPath(new URL("./fixtures/echo_kind.py", import.meta.url));
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
