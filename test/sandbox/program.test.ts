import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/index.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await Sandbox.start({ workers: 1 });
});
afterAll(async () => {
  await sb.close();
});

const run = (code: string, extra: Omit<Parameters<Sandbox["runProgram"]>[0], "code"> = {}) =>
  sb.runProgram({ code, ...extra });

describe("program kind: a whole program with stdin", () => {
  it("runs as python3 main.py would: stdin, stdout, stderr, exit codes", async () => {
    const echo = await run("import sys\nprint(input()[::-1])\nprint(sys.stdin.read().upper(), end='')", {
      stdin: "hello\nrest\n",
    });
    expect(echo).toMatchObject({ status: "ok", exitCode: 0, stdout: "olleh\nREST\n", truncated: false });
    expect(echo.timeMs).toBeGreaterThan(0);
    expect(await run("import sys\nprint('x')\nsys.exit(3)")).toMatchObject({
      status: "error",
      exitCode: 3,
      stdout: "x\n",
    });
    expect(await run("exit(5)")).toMatchObject({ status: "error", exitCode: 5 });
    const raised = await run("raise ValueError('boom')");
    expect(raised).toMatchObject({ status: "error", exitCode: 1 });
    expect(raised.stderr).toMatch(/File "main.py", line 1[\s\S]*ValueError: boom/);
    expect((await run("def f(\n")).stderr).toMatch(/SyntaxError/);
    // Output written below Python's streams, then an exit that skips the interpreter's shutdown.
    expect(await run("import os\nos.write(1, b'raw')\nos._exit(4)")).toMatchObject({
      status: "error",
      exitCode: 4,
      stdout: "raw",
    });
    expect(await run("if __name__ == '__main__':\n    print('main')")).toMatchObject({ stdout: "main\n" });
  });

  it("returns big stdout whole, and past the cap says so", async () => {
    const big = await run("import sys\nfor i in range(200000):\n    sys.stdout.write(f'{i:07d}\\n')");
    expect(big.status).toBe("ok");
    expect(big.truncated).toBe(false);
    expect(big.stdout!.length).toBe(200000 * 8);
    expect(big.stdout!.endsWith("0199999\n")).toBe(true);
    const capped = await run("print('y' * 1000)", { outputCapBytes: 100 });
    expect(capped).toMatchObject({ status: "ok", truncated: true, stdout: "y".repeat(100) });
  });

  it("stops a program at its time limit and one past its memory limit", async () => {
    expect(await run("while True:\n    pass", { timeoutMs: 300 })).toMatchObject({
      status: "timeout",
      exitCode: null,
    });
    expect(await run("import time\ntime.sleep(30)", { timeoutMs: 300 })).toMatchObject({ status: "timeout" });
    const mem = await run("x = bytearray(600 * 1024 * 1024)\nprint('got it')", { memoryMb: 128 });
    expect(mem).toMatchObject({ status: "memory", stdout: "" });
    // The limit is on top of the interpreter: a small allocation passes.
    expect(await run("x = bytearray(32 * 1024 * 1024)\nprint(len(x))", { memoryMb: 128 })).toMatchObject({
      status: "ok",
      stdout: "33554432\n",
    });
  });

  it("gives a program its files and a fresh /tmp per run", async () => {
    expect(
      await run("print(open('data/in.txt').read())", { files: { "data/in.txt": "filedata" } }),
    ).toMatchObject({ status: "ok", stdout: "filedata\n" });
    await run("open('/tmp/left-behind', 'w').write('x')");
    expect(await run("import os\nprint(os.path.exists('/tmp/left-behind'))")).toMatchObject({
      stdout: "False\n",
    });
    await expect(run("print(1)", { files: { "../escape": "x" } })).rejects.toThrow(/files/);
  });

  it("contains hostile programs as exec does", async () => {
    const hostile = [
      "import os\nos.fork()",
      "import subprocess\nsubprocess.run(['/bin/sh', '-c', 'echo hi'])",
      "import socket\nsocket.create_connection(('127.0.0.1', 22), timeout=1)",
      "import ctypes\nctypes.CDLL(None)",
    ];
    for (const code of hostile) {
      const r = await run(code);
      expect(r.status, code).toBe("error");
    }
    // It is pid 1 of its own pid namespace: no other process to see or signal.
    const ps = await run(
      "import os\nprint(os.getpid(), sorted(p for p in os.listdir('/proc') if p.isdigit()))",
    );
    expect(ps.stdout).toBe("1 ['1']\n");
    // The judge's side of the mount namespace is covered: no shared expected outputs, no harness sources.
    const fs = await run(
      "import os\nprint([os.listdir(d) if os.path.isdir(d) else None for d in ('/share', '/harness')])",
    );
    expect(fs.stdout).toMatch(/^\[(\[\]|None), (\[\]|None)\]\n$/);
    // A sandbox that ran all of these still works.
    expect((await run("print(2 + 2)")).stdout).toBe("4\n");
  });
});

describe("program kind in batches: the judge compares", () => {
  it("judges each case against an expected output the program never sees", async () => {
    const secret = "EXPECTED-7f3a9";
    // The program looks for the expected output everywhere it can read; it must not find it.
    const code = [
      "import sys, os",
      "n = sys.stdin.read().strip()",
      "seen = []",
      "for m in list(sys.modules.values()):",
      "    for v in list(getattr(m, '__dict__', {}).values()):",
      `        if isinstance(v, str) and ${JSON.stringify(secret)} in v: seen.append(1)`,
      "for p in ('/proc/self/cmdline', '/proc/1/cmdline'):",
      `    if ${JSON.stringify(secret)}.encode() in open(p, 'rb').read(): seen.append(2)`,
      "print(int(n) * 2, 'found' if seen else '')",
    ].join("\n");
    const res = await sb.runProgramCases({
      code,
      cases: [
        { stdin: "2", expected: "4\n" },
        { stdin: "3", expected: "7" },
        { stdin: "1", expected: `2 ${secret}` },
        { stdin: "5" },
      ],
    });
    expect(
      res.map((r) => r.verdict),
      res[0]!.result!.stderr,
    ).toEqual(["pass", "fail", "fail", "pass"]);
    expect(res[0]!.result!.stdout).toBeNull(); // passed: the caller has it already
    expect(res[1]!.result!.stdout).toBe("6 \n");
    expect(res[2]!.result!.stdout).toBe("2 \n");
    expect(res[3]!.result!.stdout).toBe("10 \n");
  });

  it("compares by the chosen rule and can stop at the first failure", async () => {
    const code = "print(input(), ' ')\nprint()";
    const cases = [{ stdin: "a b", expected: "a b" }, { stdin: "a  b", expected: "a b" }, { stdin: "c" }];
    const lines = await sb.runProgramCases({ code, cases });
    expect(lines.map((r) => r.verdict)).toEqual(["pass", "fail", "pass"]);
    const tokens = await sb.runProgramCases({ code, cases, compare: "tokens" });
    expect(tokens.map((r) => r.verdict)).toEqual(["pass", "pass", "pass"]);
    const exact = await sb.runProgramCases({ code, cases, compare: "exact", stopAtFirstFailure: true });
    expect(exact.map((r) => [r.verdict, r.skipped ?? false])).toEqual([
      ["fail", false],
      ["fail", true],
      ["fail", true],
    ]);
    // A case that times out or crashes is that verdict, and the next case runs in a fresh candidate.
    const mixed = await sb.runProgramCases({
      code: "import sys\nn = int(input())\nwhile n == 0: pass\nprint(n)",
      cases: [
        { stdin: "0", expected: "0" },
        { stdin: "1", expected: "1" },
      ],
      timeoutMs: 300,
    });
    expect(mixed.map((r) => r.verdict)).toEqual(["timeout", "pass"]);
  });
});

describe("program kind: fetched files and shared jobs", () => {
  it("returns the files a program wrote (SandboxFusion's fetch_files), base64, missing ones left out", async () => {
    const r = await run(
      "import os\nos.makedirs('out', exist_ok=True)\nopen('out/a.bin', 'wb').write(bytes(range(256)))\nopen('b.txt', 'w').write('bee')\nraise SystemExit(2)",
      { fetchFiles: ["out/a.bin", "b.txt", "never-written.txt"] },
    );
    expect(r.status).toBe("error");
    expect(Object.keys(r.files ?? {}).sort()).toEqual(["b.txt", "out/a.bin"]);
    expect(Buffer.from(r.files!["out/a.bin"]!, "base64")).toEqual(
      Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
    );
    expect(Buffer.from(r.files!["b.txt"]!, "base64").toString()).toBe("bee");
    // A given file can be fetched back after the program changed it; nothing outside the cwd is reachable.
    const edited = await run("open('in.txt', 'a').write('+more')", {
      files: { "in.txt": "start" },
      fetchFiles: ["in.txt"],
    });
    expect(Buffer.from(edited.files!["in.txt"]!, "base64").toString()).toBe("start+more");
    await expect(run("print(1)", { fetchFiles: ["../etc/passwd"] })).rejects.toThrow(/fetchFiles/);
    expect((await run("print(1)")).files).toBeUndefined();
  });

  it("runs concurrent programs in shared jobs, each in a fresh candidate", async () => {
    const before = sb.stats.jobs ?? 0;
    // Each program leaves a file in /tmp and reports whether a previous one's file is visible, and its pid.
    const code = (i: number) =>
      `import os\nseen = os.listdir('/tmp')\nopen('/tmp/mark-${i}', 'w').write('x')\nprint(${i}, os.getpid(), seen)`;
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => sb.runProgram({ code: code(i), stdin: "" })),
    );
    results.forEach((r, i) => {
      expect(r.status, r.stderr).toBe("ok");
      expect(r.stdout).toBe(`${i} 1 []\n`);
    });
    // 12 requests on one worker: the ones that queued behind the first went out together.
    const jobs = (sb.stats.jobs ?? 0) - before;
    expect(jobs).toBeGreaterThan(0);
    expect(jobs).toBeLessThan(12);
  });

  it("a request aborted while its batch runs leaves the others' results intact", async () => {
    const ctl = new AbortController();
    const slow = sb.runProgram({ code: "import time\ntime.sleep(0.3)\nprint('slow')" });
    const queued = [
      sb.runProgram({ code: "print('a')", signal: ctl.signal }),
      sb.runProgram({ code: "import time\ntime.sleep(0.2)\nprint('b')" }),
      sb.runProgram({ code: "print('c')" }),
    ];
    setTimeout(() => ctl.abort(), 100);
    await expect(queued[0]).rejects.toThrow();
    expect((await slow).stdout).toBe("slow\n");
    expect((await queued[1])!.stdout).toBe("b\n");
    expect((await queued[2])!.stdout).toBe("c\n");
    // Aborted while its batch is running: the batch is not killed for the others.
    const ctl2 = new AbortController();
    const first = sb.runProgram({ code: "import time\ntime.sleep(0.2)" });
    const batch = [
      sb.runProgram({ code: "import time\ntime.sleep(0.5)\nprint('x')", signal: ctl2.signal }),
      sb.runProgram({ code: "import time\ntime.sleep(0.2)\nprint('y')" }),
    ];
    await first;
    setTimeout(() => ctl2.abort(), 100);
    await expect(batch[0]).rejects.toThrow();
    expect((await batch[1])!.stdout).toBe("y\n");
  });
});
