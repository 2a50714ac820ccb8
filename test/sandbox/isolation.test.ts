import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatReport, type PairOutcome, Sandbox } from "../../src/sandbox/index.js";
import { ADD, ut } from "./helpers.js";

let sb: Sandbox;
beforeAll(async () => {
  process.env.CODERM_TEST_SECRET = "sk-not-for-sandboxes";
  sb = await Sandbox.start({ workers: 2, details: true });
});
afterAll(async () => {
  delete process.env.CODERM_TEST_SECRET;
  await sb?.close();
});

async function run(pairs: Parameters<Sandbox["run"]>[0]): Promise<Map<string, PairOutcome>> {
  const out = new Map<string, PairOutcome>();
  for await (const o of sb.run(pairs)) out.set(o.id, o);
  return out;
}

describe("isolation", () => {
  it("reports seccomp, rlimits, an unprivileged uid and an empty environment", () => {
    const l = sb.isolation.layers;
    expect(l.seccomp!.ok).toBe(true);
    expect(l.rlimits!.ok).toBe(true);
    expect(l.uid!.ok).toBe(true);
    expect(l.env!.ok).toBe(true);
    expect(Object.keys(l)).toContain("namespaces");
  });

  it("blocks the network, foreign files, secrets, ptrace and signals to the harness", async () => {
    const r = await run([
      ut("net", ADD, [
        "import socket",
        "with self.assertRaises(OSError):",
        "    socket.create_connection(('127.0.0.1', 22), timeout=0.5)",
        "with self.assertRaises(PermissionError):",
        "    socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
      ]),
      ut("env", ADD, ["import os", "self.assertEqual(dict(os.environ), {})"]),
      ut("write-outside", ADD, [
        "import os",
        "for p in ('/usr/x', '/harness/x', '/x' if os.path.exists('/harness') else '/usr/lib/x'):",
        "    with self.assertRaises(OSError):",
        "        open(p, 'w')",
        "open('mine.txt', 'w').write('scratch is writable')",
      ]),
      ut("read-outside", ADD, [
        "import os",
        `self.assertFalse(os.path.exists(${JSON.stringify(process.cwd())}))`,
        "self.assertFalse(os.path.exists('/root'))",
      ]),
      ut("ptrace", ADD, [
        "import ctypes, os",
        "libc = ctypes.CDLL(None, use_errno=True)",
        "self.assertEqual(libc.ptrace(16, os.getppid(), 0, 0), -1)",
      ]),
      ut("kill-parent", ADD, [
        "import os, signal",
        "for target in (os.getppid(), -1, 0, -os.getpgid(os.getppid())):",
        "    with self.assertRaises(PermissionError):",
        "        os.kill(target, signal.SIGKILL)",
      ]),
      ut("unshare", ADD, [
        "import ctypes",
        "libc = ctypes.CDLL(None, use_errno=True)",
        "self.assertEqual(libc.unshare(0x10000000), -1)",
        "self.assertEqual(ctypes.get_errno(), 1)",
      ]),
    ]);
    for (const id of ["net", "env", "write-outside", "ptrace", "kill-parent", "unshare"])
      expect(r.get(id)!.verdict, `${id}: ${r.get(id)!.stderr}`).toBe("pass");
    if (sb.isolation.layers.namespaces!.ok)
      expect(r.get("read-outside")!.verdict, r.get("read-outside")!.stderr).toBe("pass");
    // the harness survived: it still answers
    const after = await run([ut("alive", ADD, "self.assertEqual(add(2, 2), 4)")]);
    expect(after.get("alive")!.verdict).toBe("pass");
  });

  it("survives a fork bomb, a memory bomb, a swallowed alarm and an output flood", async () => {
    const t0 = Date.now();
    const r = await run([
      ut("forkbomb", ADD, [
        "import os",
        "while True:",
        "    try:",
        "        os.fork()",
        "    except OSError:",
        "        pass",
      ]),
      ut("membomb", ADD, "x = bytearray(8 * 1024 ** 3)"),
      ut("swallow", ADD, [
        "while True:",
        "    try:",
        "        while True:",
        "            pass",
        "    except BaseException:",
        "        pass",
      ]),
      ut("flood", ADD, [
        "import os, sys",
        "for _ in range(20000):",
        "    print('x' * 1000)",
        "    os.write(1, b'y' * 1000)",
        "self.assertEqual(add(1, 2), 3)",
      ]),
      ut("after", ADD, "self.assertEqual(add(1, 2), 3)"),
    ]);
    expect(r.get("forkbomb")!.passed).toBe(false);
    expect(["timeout", "error", "crash"]).toContain(r.get("forkbomb")!.verdict);
    expect(r.get("membomb")!.verdict).toBe("error");
    expect(r.get("membomb")!.stderr).toContain("MemoryError");
    expect(r.get("swallow")!.verdict).toBe("timeout");
    expect(r.get("flood")!.verdict).toBe("pass");
    expect(r.get("after")!.verdict).toBe("pass");
    expect(Date.now() - t0).toBeLessThan(30_000);
    // No process of the fork bomb outlives its pair. The test body runs in the judge, whose view holds the
    // worker, the zygote and the judge's candidate: nothing else (a forked test body's leftovers are gone).
    const alone = await run([
      ut("alone", ADD, [
        "import os",
        "pids = {int(p) for p in os.listdir('/proc') if p.isdigit()}",
        "def parent(p):",
        "    return int(open(f'/proc/{p}/stat').read().rsplit(')', 1)[1].split()[1])",
        "worker = os.getppid()",
        "kids = sorted(p for p in pids if parent(p) == worker)",
        "self.assertEqual(len(kids), 2)  # the zygote and this judge",
        "self.assertIn(os.getpid(), kids)",
        "zygote = [p for p in kids if p != os.getpid()][0]",
        "if os.path.exists('/harness'):  # inside bubblewrap's pid namespace: init, worker, zygote, judge, candidates",
        "    rest = pids - {1, worker, zygote, os.getpid()}",
        "    self.assertEqual([p for p in rest if parent(p) != zygote], [])  # only candidates: no fork-bomb leftover",
        "    # (this pair's candidate, the spare cloned ahead for the next solution, and killed ones still being",
        "    # torn down or awaiting the zygote's reaping: how many of those there are is a matter of timing)",
        "self.assertEqual([p for p in pids if parent(p) == os.getpid()], [])",
      ]),
    ]);
    expect(alone.get("alone")!.verdict, alone.get("alone")!.stderr).toBe("pass");
  });

  it("leaves a candidate only its standard streams and its socket: no descriptor of the zygote or the judge", async () => {
    // Read at load, in the candidate (the test itself runs in the judge); 4 is listdir's own descriptor.
    const fds = "import os\nFDS = sorted(int(x) for x in os.listdir('/proc/self/fd'))\n";
    const r = await run([ut("fds", fds, "self.assertEqual(FDS, [0, 1, 2, 3, 4])")]);
    expect(r.get("fds")?.verdict, r.get("fds")?.stderr).toBe("pass");
  });

  it("says loudly when isolation is weak, and --require-isolation makes that an error", async () => {
    await expect(Sandbox.start({ workers: 1, bwrap: false, requireIsolation: true })).rejects.toMatchObject({
      code: "E_ISOLATION",
    });
    const weak = await Sandbox.start({ workers: 1, bwrap: false });
    try {
      expect(weak.isolation.level).toBe("weak");
      expect(weak.isolation.layers.namespaces).toMatchObject({ ok: false });
      expect(formatReport(weak.isolation)).toMatch(/WEAK[\s\S]*MISSING namespaces[\s\S]*WARNING/);
      // seccomp and rlimits still hold without namespaces
      const r = new Map<string, PairOutcome>();
      for await (const o of weak.run([
        ut("net", ADD, ["import socket", "with self.assertRaises(PermissionError):", "    socket.socket()"]),
      ]))
        r.set(o.id, o);
      expect(r.get("net")!.verdict, r.get("net")!.stderr).toBe("pass");
    } finally {
      await weak.close();
    }
  });
});
