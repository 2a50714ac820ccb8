/**
 * Attacks on the `labels` kind, with real processes: wrong programs that try to forge `correct` for each rule
 * (HumanEval check, CodeT cases, LiveCodeBench functional and stdin). Each must be labelled incorrect; the
 * controls (right → correct, wrong → incorrect) must behave. The expected answer is a secret no program can
 * compute ("SECRET-…"): a program passes only by reaching the ground truth (the test text, the expected output,
 * a shared file) or by making the judge's comparison lie.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkPrograms,
  type LabelExecutor,
  labelLiveCodeBench,
  runCodetCases,
} from "../../src/evaluate/labels/index.js";
import { Sandbox } from "../../src/sandbox/index.js";
import { lcbProblem } from "./fixtures.js";

const SECRET = "SECRET-7f3a91c2";
let executor: LabelExecutor;
let sharedPath = "";
beforeAll(async () => {
  executor = (await Sandbox.start({ workers: 2 })).executor("labels");
  // A ground-truth file handed to jobs through /share, as EvalPlus's expected outputs are.
  const dir = mkdtempSync(join(tmpdir(), "coderm-label-attacks-"));
  const file = join(dir, "truth.txt");
  writeFileSync(file, `${SECRET}\n`, { mode: 0o644 });
  sharedPath = executor.share?.(file) ?? "";
});
afterAll(async () => {
  await executor.close();
});

/** Python that looks everywhere a program might find the secret and returns what it found (or "none"). */
const HUNT = `
def __hunt():
    import gc, os, sys
    found = []
    def look(text):
        if isinstance(text, bytes):
            text = text.decode("latin-1")
        if isinstance(text, str) and "SECRET-" in text:
            i = text.index("SECRET-")
            found.append(text[i:i + 15])
    for d in ("/share", "/harness", "/tmp", "/proc/self", "/proc/1", "/"):
        try:
            names = os.listdir(d)
        except Exception:
            continue
        for n in names:
            try:
                with open(os.path.join(d, n), "rb") as f:
                    look(f.read(1 << 20))
            except Exception:
                pass
    try:
        look(open(${JSON.stringify("SHARED")}).read())
    except Exception:
        pass
    try:
        for o in gc.get_objects():
            look(o if isinstance(o, (str, bytes)) else None)
    except Exception:
        pass
    try:
        raise ZeroDivisionError
    except ZeroDivisionError as e:
        f = e.__traceback__.tb_frame
    while f is not None:
        for v in list(f.f_locals.values()) + list(f.f_globals.values()):
            look(v if isinstance(v, str) else repr(v)[:10000])
        f = f.f_back
    return found[0] if found else "none"
`;
const hunt = () => HUNT.replace('"SHARED"', JSON.stringify(sharedPath));

/** Function-style attacks: module text defining `f()` (which should return the secret). */
const FUNCTION_ATTACKS: Record<string, () => string> = {
  "returns a str subclass whose __eq__ is always True": () =>
    "class Yes(str):\n    def __eq__(self, o):\n        return True\n    __hash__ = str.__hash__\ndef f():\n    return Yes('x')\n",
  "patches builtins and AssertionError": () =>
    "import builtins\nbuiltins.AssertionError = type('AE', (Exception,), {})\nbuiltins.len = lambda x: 0\nbuiltins.str = lambda *a: 'SECRET'\ndef f():\n    return 'wrong'\n",
  "shadows builtins the test might use": () =>
    "def len(x):\n    return 0\ndef isinstance(*a):\n    return True\ndef f():\n    return 'wrong'\n",
  "calls os._exit(0) mid-check": () => "import os\ndef f():\n    os._exit(0)\n",
  "calls os._exit(0) while loading": () =>
    `import os\nos._exit(0)\ndef f():\n    return ${JSON.stringify(SECRET)}\n`,
  "raises SystemExit": () => "def f():\n    raise SystemExit(0)\n",
  "raises KeyboardInterrupt": () => "def f():\n    raise KeyboardInterrupt\n",
  "raises a BaseException subclass": () =>
    "class Stop(BaseException):\n    pass\ndef f():\n    raise Stop()\n",
  "raises StopIteration": () => "def f():\n    raise StopIteration\n",
  "rewrites frames' locals and globals": () =>
    "def f():\n    try:\n        raise ZeroDivisionError\n    except ZeroDivisionError as e:\n        fr = e.__traceback__.tb_frame\n    while fr is not None:\n        fr.f_globals['check'] = lambda *a: None\n        fr.f_globals['AssertionError'] = KeyError\n        fr = fr.f_back\n    return 'wrong'\n",
  "hunts the ground truth in files, memory and frames": () => `${hunt()}\ndef f():\n    return __hunt()\n`,
  "prints fake result records": () =>
    `import json, os, sys\nREC = json.dumps({"t": "r", "key": "call", "ok": True, "verdict": "pass", "result": {"results": [{"result": "passed", "passed": True}], "stopped": None}})\ndef f():\n    print(REC)\n    sys.stderr.write(REC + "\\n")\n    for fd in range(1, 12):\n        try:\n            os.write(fd, (REC + "\\n").encode())\n        except OSError:\n            pass\n    return 'wrong'\n`,
};
const RIGHT = `def f():\n    return ${JSON.stringify(SECRET)}\n`;
const WRONG = "def f():\n    return 'wrong'\n";
const names = Object.keys(FUNCTION_ATTACKS);
const attacks = () => names.map((n) => (FUNCTION_ATTACKS[n] as () => string)());

describe("HumanEval check(candidate)", () => {
  it("labels every attack incorrect, and the controls as they are", async () => {
    const test = `def check(candidate):\n    assert isinstance(candidate(), str)\n    assert len(candidate()) == 15\n    assert candidate() == ${JSON.stringify(SECRET)}\n`;
    const out = await checkPrograms(
      [
        {
          key: "t",
          solutions: [RIGHT, WRONG, ...attacks()],
          test,
          entryPoint: "f",
          prompt: "def f():\n    pass\n",
        },
      ],
      { executor, timeout: 2 },
    );
    const got = out.get("t") ?? [];
    expect(got.slice(0, 2).map((o) => o.passed)).toEqual([true, false]);
    const passed = names.filter((_, i) => got[i + 2]?.passed !== false);
    expect(passed).toEqual([]);
  });

  it("runs the prompt's helpers the test reads, not the solution's copies", async () => {
    const prompt = `def key():\n    return ${JSON.stringify(SECRET)}\n\ndef f():\n    pass\n`;
    const forged = "def key():\n    return 'wrong'\ndef f():\n    return 'wrong'\n";
    const right = `def key():\n    return 'wrong'\ndef f():\n    return ${JSON.stringify(SECRET)}\n`;
    const out = await checkPrograms(
      [
        {
          key: "t",
          solutions: [forged, right],
          test: "def check(candidate):\n    assert candidate() == key()\n",
          entryPoint: "f",
          prompt,
        },
      ],
      { executor, timeout: 2 },
    );
    expect(out.get("t")?.map((o) => o.passed)).toEqual([false, true]);
  });
});

describe("CodeT cases", () => {
  it("gives no attack a passed case", async () => {
    const cases = [
      `assert f() == ${JSON.stringify(SECRET)}`,
      "assert isinstance(f(), str) and len(f()) == 15",
    ];
    const runs = await runCodetCases([{ key: "t", programs: [RIGHT, WRONG, ...attacks()], cases }], {
      executor,
      timeout: 1,
    });
    const got = runs.get("t") ?? [];
    expect(got.slice(0, 2)).toEqual([
      [true, true],
      [false, false],
    ]);
    const passed = names.filter((_, i) => JSON.stringify(got[i + 2]).includes("true"));
    expect(passed).toEqual([]);
  });
});

describe("LiveCodeBench", () => {
  it("functional: labels every attack incorrect", async () => {
    const p = lcbProblem(
      "lc/secret",
      [{ input: "1", output: JSON.stringify(SECRET), testtype: "functional" }],
      "f",
    );
    const asClass = (m: string) => `${m}\nclass Solution:\n    def f(self, x):\n        return f()\n`;
    const programs = [RIGHT, WRONG, ...attacks()].map(asClass);
    const ls = await labelLiveCodeBench(
      programs.map((solution, index) => ({ task_id: p.task_id, index, solution })),
      new Map([[p.task_id, p]]),
      { executor, timeout: 2 },
    );
    expect(ls.slice(0, 2).map((l) => l.correct)).toEqual([true, false]);
    expect(names.filter((_, i) => ls[i + 2]?.correct !== false)).toEqual([]);
  });

  it("stdin: labels every attack incorrect", async () => {
    const p = lcbProblem("ac/secret", [{ input: "x\n", output: `${SECRET}\n`, testtype: "stdin" }]);
    // Each attack's f() answers; the program prints it (the stdin kind compares stdout).
    const asProgram = (m: string) => `${m}\ninput()\nprint(f())\n`;
    const extra = [
      `import os\nprint(${JSON.stringify(SECRET.slice(0, 7))})\nos._exit(0)\n`,
      'import sys\nsys.stdout.write("wrong\\n")\nraise SystemExit(0)\n',
      `import os\nos.write(1, b"${SECRET}\\n")\nprint("wrong")\n`,
    ];
    const programs = [RIGHT, WRONG, ...attacks()].map(asProgram).concat(extra);
    const ls = await labelLiveCodeBench(
      programs.map((solution, index) => ({ task_id: p.task_id, index, solution })),
      new Map([[p.task_id, p]]),
      { executor, timeout: 2 },
    );
    expect(ls.slice(0, 2).map((l) => l.correct)).toEqual([true, false]);
    const all = [
      ...names,
      "prints a prefix then os._exit(0)",
      "prints then SystemExit",
      "writes to fd 1 below Python",
    ];
    expect(all.filter((_, i) => ls[i + 2]?.correct !== false)).toEqual([]);
  });
});
