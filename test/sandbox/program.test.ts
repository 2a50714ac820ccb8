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
