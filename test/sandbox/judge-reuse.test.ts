import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PairInput, type PairOutcome, Sandbox } from "../../src/sandbox/index.js";
import { ADD, ut } from "./helpers.js";

// One worker, so every job goes through the same long-lived judge (harness/judge_proc.py).
let sb: Sandbox;
beforeAll(async () => {
  sb = await Sandbox.start({ workers: 1, details: true });
});
afterAll(async () => {
  await sb?.close();
});

async function run(pairs: PairInput[]): Promise<Map<string, PairOutcome>> {
  const out = new Map<string, PairOutcome>();
  for await (const o of sb.run(pairs)) out.set(o.id, o);
  return out;
}

// Distinct solutions are distinct jobs.
const sol = (i: number) => `${ADD}# solution ${i}\n`;

describe("the long-lived judge", () => {
  it("serves many solutions' jobs without a fork per job, verdicts unchanged", async () => {
    const before = sb.stats.judges ?? 0;
    const pairs = Array.from({ length: 12 }, (_, i) =>
      ut(
        `j${i}`,
        i % 3 === 2 ? `def add(a, b):\n    return a - b\n# ${i}\n` : sol(i),
        "self.assertEqual(add(2, 3), 5)",
      ),
    );
    const r = await run(pairs);
    for (let i = 0; i < 12; i++) expect(r.get(`j${i}`)!.verdict).toBe(i % 3 === 2 ? "fail" : "pass");
    expect(sb.stats.jobs).toBeGreaterThanOrEqual(12);
    expect(sb.stats.judges ?? 0).toBeGreaterThanOrEqual(1);
    expect((sb.stats.judges ?? 0) - before).toBeLessThanOrEqual(1);
  });

  it("a job that leaves state behind retires its judge: the next job never sees it", async () => {
    const dirty = await run([
      ut("dirty", sol(100), [
        "import builtins, math, decimal, threading, time",
        "builtins.leaked = 1",
        "math.pi = 3",
        "decimal.getcontext().prec = 3",
        "threading.Thread(target=time.sleep, args=(30,), daemon=True).start()",
        "self.assertEqual(add(1, 1), 2)",
      ]),
    ]);
    expect(dirty.get("dirty")!.verdict, dirty.get("dirty")!.stderr).toBe("pass");
    const clean = await run([
      ut("clean", sol(101), [
        "import builtins, math, decimal, threading",
        "self.assertFalse(hasattr(builtins, 'leaked'))",
        "self.assertNotEqual(math.pi, 3)",
        "self.assertEqual(decimal.getcontext().prec, 28)",
        "self.assertEqual(threading.active_count(), 1)",
        "self.assertEqual(add(1, 1), 2)",
      ]),
    ]);
    expect(clean.get("clean")!.verdict, clean.get("clean")!.stderr).toBe("pass");
    expect(Object.keys(sb.stats).some((k) => k.startsWith("judge_retired_state"))).toBe(true);
  });

  it("a solution that imports a standard module leaves the judge's copy of it untouched", async () => {
    // The judge once set an attribute on every object among a solution's loaded names, stdlib modules included.
    const r = await run([
      ut("imports", `import math\nfrom fractions import Fraction\n${ADD}`, "self.assertEqual(add(1, 2), 3)"),
      ut("after", sol(102), [
        "import math, fractions",
        "self.assertFalse(hasattr(math, '_pinned'))",
        "self.assertFalse(hasattr(fractions.Fraction, '_pinned'))",
      ]),
    ]);
    expect(r.get("imports")!.verdict).toBe("pass");
    expect(r.get("after")!.verdict, r.get("after")!.stderr).toBe("pass");
  });

  it("a judge killed mid-job costs only the test in progress; the records before it are kept", async () => {
    const r = await run([
      ut("k1", sol(200), "self.assertEqual(add(1, 2), 3)"),
      ut("k2", sol(200), ["import os, signal", "os.kill(os.getpid(), signal.SIGKILL)"]),
      ut("k3", sol(200), "self.assertEqual(add(2, 2), 4)"),
    ]);
    expect(r.get("k1")!.verdict).toBe("pass");
    expect(r.get("k2")!.verdict).toBe("crash");
    expect(r.get("k3")!.verdict).toBe("pass");
  });
});

describe("the driver", () => {
  it("keeps a worker's next job queued behind the running one (no idle gap per job)", async () => {
    const pairs = Array.from({ length: 10 }, (_, i) =>
      ut(`q${i}`, sol(300 + i), "self.assertEqual(add(2, 3), 5)"),
    );
    const r = await run(pairs);
    for (const o of r.values()) expect(o.verdict).toBe("pass");
    expect(sb.stats.jobs_ready ?? 0).toBeGreaterThanOrEqual(5);
  });
});

describe("the zygote", () => {
  it("reaps killed candidates over a long run (no zombies piling up under a long-lived judge)", async () => {
    const many = Array.from({ length: 60 }, (_, i) =>
      ut(`z${i}`, sol(400 + i), "self.assertEqual(add(1, 1), 2)"),
    );
    for (const o of (await run(many)).values()) expect(o.verdict).toBe("pass");
    const r = await run([
      ut("zombies", sol(500), [
        "import os",
        "def stat(p):",
        "    return open(f'/proc/{p}/stat').read().rsplit(')', 1)[1].split()",
        "pids = [int(p) for p in os.listdir('/proc') if p.isdigit()]",
        "worker = os.getppid()",
        "zygote = [p for p in pids if int(stat(p)[1]) == worker and p != os.getpid()][0]",
        "zombies = [p for p in pids if int(stat(p)[1]) == zygote and stat(p)[0] == 'Z']",
        "self.assertLessEqual(len(zombies), 4, zombies)",
      ]),
    ]);
    expect(r.get("zombies")!.verdict, r.get("zombies")!.stderr).toBe("pass");
  });
});
