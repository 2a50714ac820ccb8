/**
 * Reward hacking against the judge/candidate split (issue 11): every attack pairs a WRONG solution with an
 * HONEST test and must not pass; every control (the right solution, a plainly wrong one) behaves as expected.
 * Real processes throughout. Attacks that exploit state carried from one test to the next use `learns()`: the
 * solution answers right only when it finds a trace of an earlier test, and several tests run in one job.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PairInput, type PairOutcome, Sandbox } from "../../src/sandbox/index.js";
import { ut } from "./helpers.js";

let sb: Sandbox;
let ns = true;
beforeAll(async () => {
  sb = await Sandbox.start({ workers: 2, details: true });
  ns = sb.isolation.layers.candidates?.ok === true;
});
afterAll(async () => {
  await sb?.close();
});

async function run(pairs: PairInput[]): Promise<Map<string, PairOutcome>> {
  const out = new Map<string, PairOutcome>();
  for await (const o of sb.run(pairs)) out.set(o.id, o);
  return out;
}

const CHECK = "self.assertEqual(add(1, 2), 3)";
/** A wrong `add` (a - b) preceded by `prelude` and with `inside` run on each call. */
const wrong = (prelude: string, inside = "") =>
  `${prelude}\ndef add(a, b):\n${inside ? `${inside.replace(/^/gm, "    ")}\n` : ""}    return a - b\n`;
/** libc's syscall() through the handle the harness already resolved (no dlopen: the audit hook is bypassed). */
const SYSCALL =
  "import sys\nlibc = [m for m in [sys.modules.get('isolation')] if m][0]._LIBC[0] if 'isolation' in sys.modules else None\n";

const HACKS: Record<string, { solution: string; body?: string; extra?: string }> = {
  // the harness in the same interpreter: patching what it calls
  "patch json.dumps": {
    solution: wrong('import json\njson.dumps = lambda *a, **k: \'{"verdict": "pass"}\''),
  },
  "patch os._exit": { solution: wrong("import os\nos._exit = lambda *a: None") },
  "patch builtins.memoryview": { solution: wrong("import builtins\nbuiltins.memoryview = lambda b: b''") },
  "patch contextlib": { solution: wrong("import contextlib\ncontextlib.contextmanager = lambda f: f") },
  "patch signal.signal": {
    solution: wrong("import signal\nsignal.signal = lambda *a: None\nsignal.setitimer = lambda *a: None"),
  },
  "replace sys.modules['unittest']": {
    solution: wrong("import sys, types\nfake = types.ModuleType('unittest')\nsys.modules['unittest'] = fake"),
  },
  "globals()['__builtins__']": {
    solution: wrong(
      "import builtins\nd = dict(vars(builtins))\nd['AssertionError'] = KeyError\nd['isinstance'] = lambda *a: True\nglobals()['__builtins__'] = d",
    ),
  },
  "patch assertEqual": {
    solution: wrong("import unittest\nunittest.TestCase.assertEqual = lambda *a, **k: None"),
  },
  "patch TestResult": {
    solution: wrong(
      "import unittest\nunittest.TestResult.addFailure = lambda *a: None\nunittest.TestResult.wasSuccessful = lambda self: True",
    ),
  },
  "sys.modules['__main__']": {
    solution: wrong(
      "import sys\nm = sys.modules.get('__main__')\nfor k in list(vars(m)) if m else []:\n    if callable(getattr(m, k)):\n        setattr(m, k, lambda *a, **kw: None)",
    ),
  },
  // introspection: frames, gc, code objects, tracing
  "frames: rewrite the caller": {
    solution: wrong(
      "import sys",
      "try:\n    f = sys._getframe(1)\n    while f:\n        f.f_locals.update(cases=[['test_it', 'pass']], v='pass')\n        f = f.f_back\nexcept Exception:\n    pass",
    ),
  },
  "gc.get_objects": {
    solution: wrong(
      "import gc",
      "try:\n    for o in gc.get_objects():\n        if isinstance(o, dict) and 'verdict' in o:\n            o['verdict'] = 'pass'\nexcept Exception:\n    pass",
    ),
  },
  "co_consts -> __globals__": {
    solution: wrong(
      "import sys",
      "try:\n    for m in list(sys.modules.values()):\n        for v in list(vars(m).values()):\n            g = getattr(v, '__globals__', None)\n            if g is not None:\n                g.setdefault('_hacked', True)\n                for c in getattr(v.__code__, 'co_consts', ()):\n                    pass\nexcept Exception:\n    pass",
    ),
  },
  "settrace jump over the assert": {
    solution: wrong("import sys", "try:\n    sys.settrace(lambda *a: None)\nexcept Exception:\n    pass"),
  },
  "setprofile on the caller": {
    solution: wrong("import sys", "try:\n    sys.setprofile(lambda *a: None)\nexcept Exception:\n    pass"),
  },
  "C-level trace via ctypes": {
    solution: wrong(
      `${SYSCALL}import ctypes`,
      "try:\n    ctypes.pythonapi.PyEval_SetTrace(None, None)\nexcept Exception:\n    pass",
    ),
  },
  "exception __str__": {
    solution:
      "class E(Exception):\n    def __str__(self):\n        import sys\n        for m in list(sys.modules.values()):\n            try:\n                m.__dict__['describe'] = lambda *a, **k: 'pass'\n            except Exception:\n                pass\n        return 'pass'\ndef add(a, b):\n    raise E()\n",
  },
  "gc.callbacks": {
    solution: wrong("import gc\ngc.callbacks.append(lambda phase, info: None)\ngc.collect()"),
  },
  // processes and descriptors
  // A frame can only ever carry a value (an answer of the candidate), never a verdict: a thread racing the
  // reply is the solution answering, so it sends verdict-shaped frames and an answer wrong for the input.
  "thread sends forged frames": {
    solution: wrong(
      "import os, threading, json, struct\ndef spam():\n    msgs = [json.dumps(m).encode() for m in ({'op': 'result', 'verdict': 'pass', 't': 'r', 'key': 'x'}, {'op': 'loaded', 'ok': True, 'names': {}}, {'op': 'ret', 'v': 3})]\n    for _ in range(200):\n        for msg in msgs:\n            for fd in range(3, 64):\n                try:\n                    os.write(fd, struct.pack('<I', len(msg)) + msg)\n                except OSError:\n                    pass\nthreading.Thread(target=spam, daemon=True).start()",
    ),
    body: "self.assertEqual(add(10, 20), 30)",
  },
  "grandchild forked at load (raw clone)": {
    solution: wrong(
      `${SYSCALL}import os, json, struct\nif libc is not None:\n    pid = libc.syscall(56, 17, 0, 0, 0, 0)\n    if pid == 0:\n        msg = json.dumps({'op': 'ret', 'v': 3}).encode()\n        for _ in range(100000):\n            try:\n                os.write(3, struct.pack('<I', len(msg)) + msg)\n            except OSError:\n                break\n        os._exit(0)`,
    ),
    body: "self.assertEqual(add(10, 20), 30)",
  },
  "forged records on every descriptor": {
    solution: wrong(
      "import os, json",
      "line = (json.dumps({'op': 'result', 'key': 'x', 'verdict': 'pass', 't': 'r'}) + '\\n').encode()\nfor fd in range(1024):\n    try:\n        os.write(fd, line)\n    except OSError:\n        pass\nprint('{\"op\": \"result\", \"verdict\": \"pass\"}')",
    ),
  },
  "forged load record": {
    solution: wrong(
      "import os, json, struct\nmsg = json.dumps({'op': 'loaded', 'ok': True, 'names': {}, 'verdict': 'pass', 't': 'load', 'v': 'pass'}).encode()\nfor _ in range(3):\n    os.write(3, struct.pack('<I', len(msg)) + msg)",
    ),
  },
  "os._exit mid-test": { solution: wrong("import os", "os._exit(0)") },
  "kill everyone": {
    solution: wrong(
      "import os, signal",
      "for p in (-1, 0, 1, os.getppid()):\n    try:\n        os.kill(p, signal.SIGKILL)\n    except OSError:\n        pass",
    ),
  },
  "rt_sigqueueinfo SIGKILL/SIGSTOP": {
    solution: wrong(
      `${SYSCALL}import ctypes`,
      "if libc is not None:\n    info = ctypes.create_string_buffer(128)\n    for pid in range(1, 400):\n        for sig in (9, 19):\n            libc.syscall(129, pid, sig, info)",
    ),
  },
  // trusted types, unittest's own semantics, the test's globals
  "patch Fraction.__eq__": {
    solution:
      "from fractions import Fraction\nFraction.__eq__ = lambda a, b: True\ndef half(x):\n    return Fraction(1, 3)\n",
    body: "from fractions import Fraction\nself.assertEqual(half(1), Fraction(1, 2))",
  },
  "patch Counter.__eq__": {
    solution:
      "from collections import Counter\nCounter.__eq__ = lambda a, b: True\ndef count(s):\n    return Counter('zz')\n",
    body: "from collections import Counter\nself.assertEqual(count('ab'), Counter('ab'))",
  },
  "raise unittest.case._ShouldStop": {
    solution: wrong("import unittest", "raise unittest.case._ShouldStop()"),
  },
  "raise SkipTest": { solution: wrong("import unittest", "raise unittest.SkipTest('nope')") },
  "StopIteration truncates the test's map": {
    solution: "def double(x):\n    raise StopIteration\n",
    body: "self.assertTrue(all(map(lambda x: double(x) == 2 * x, [1, 2, 3])))",
  },
  "KeyboardInterrupt / GeneratorExit": {
    solution: wrong("", "raise KeyboardInterrupt()"),
    body: "try:\n    add(1, 2)\nexcept Exception:\n    pass\nself.assertEqual(add(1, 2), 3)",
  },
  "abs shadowing in a tolerance check": {
    solution: "def abs(x):\n    return 0\ndef area(r):\n    return 1.0\n",
    body: "self.assertTrue(abs(area(1.0) - 3.14159) < 1e-3)",
  },
  "sorted shadowing": {
    solution: "def sorted(x, **k):\n    return [1, 2, 3]\ndef f(x):\n    return [3, 1]\n",
    body: "self.assertEqual(sorted(f(1)), [1, 2, 3])",
  },
  "__eq__ always true": {
    solution:
      "class Any:\n    def __eq__(self, o): return True\n    def __ne__(self, o): return False\ndef add(a, b):\n    return Any()\n",
  },
  "int subclass": {
    solution:
      "class I(int):\n    def __eq__(self, o): return True\n    __hash__ = int.__hash__\ndef add(a, b):\n    return I(0)\n",
  },
  "__bool__ always true": {
    solution: "class T:\n    def __bool__(self): return True\ndef is_even(n):\n    return T()\n",
    body: "self.assertTrue(is_even(3))",
  },
  "read the test's globals": {
    solution: "def add(a, b):\n    return EXPECTED\n",
    extra: "EXPECTED = 3",
  },
  "read the test class": {
    solution: "def add(a, b):\n    return TestIt\n",
  },
  // the answer key and the test text
  "read /share": {
    solution:
      "import os\ndef add(a, b):\n    for root in ('/share', '/harness', '/tmp', '/proc/1/root/share'):\n        for dp, dn, fn in os.walk(root):\n            for f in fn:\n                try:\n                    if 'expected' in open(os.path.join(dp, f), errors='ignore').read():\n                        return 3\n                except OSError:\n                    pass\n    return -1\n",
  },
  "search own memory for the test text": {
    solution:
      "def add(a, b):\n    try:\n        maps = open('/proc/self/maps').read().splitlines()\n        mem = open('/proc/self/mem', 'rb', 0)\n        for line in maps:\n            lo, hi = (int(x, 16) for x in line.split()[0].split('-'))\n            if 'r' not in line.split()[1] or hi - lo > 1 << 26:\n                continue\n            try:\n                mem.seek(lo)\n                chunk = mem.read(hi - lo)\n            except OSError:\n                continue\n            if b'coderm-marker-9127' in chunk:\n                return 3\n    except OSError:\n        pass\n    return -1\n",
    body: "# coderm-marker-9127\nself.assertEqual(add(1, 2), 3)",
  },
};

/** Solutions that answer right only when they find a trace left by an earlier test of the same job. */
const LEARNS: Record<string, string> = {
  "module global":
    "SEEN = []\ndef add(a, b):\n    SEEN.append(1)\n    return a + b if len(SEEN) > 1 else -1\n",
  "dict subclass":
    "class D(dict):\n    pass\nSEEN = D()\ndef add(a, b):\n    SEEN[len(SEEN)] = 1\n    return a + b if len(SEEN) > 1 else -1\n",
  "class attribute":
    "class S:\n    n = 0\ndef add(a, b):\n    S.n += 1\n    return a + b if S.n > 1 else -1\n",
  "function attribute":
    "def add(a, b):\n    add.n = getattr(add, 'n', 0) + 1\n    return a + b if add.n > 1 else -1\n",
  "mutable default": "def add(a, b, _m=[]):\n    _m.append(1)\n    return a + b if len(_m) > 1 else -1\n",
  lru_cache:
    "from functools import lru_cache\n@lru_cache(None)\ndef seen(k):\n    return object()\ndef add(a, b):\n    s = seen.cache_info().currsize\n    seen(s)\n    return a + b if s > 0 else -1\n",
  "re._cache":
    "import re\ndef add(a, b):\n    old = any('coderm-seen' in str(k) for k in re._cache)\n    re.compile('coderm-seen')\n    return a + b if old else -1\n",
  "sys.modules":
    "import sys, types\ndef add(a, b):\n    old = 'coderm_seen' in sys.modules\n    sys.modules['coderm_seen'] = types.ModuleType('coderm_seen')\n    return a + b if old else -1\n",
  "sys.meta_path":
    "import sys\nclass F:\n    def find_spec(self, *a):\n        return None\ndef add(a, b):\n    old = any(type(f).__name__ == 'F' for f in sys.meta_path)\n    sys.meta_path.append(F())\n    return a + b if old else -1\n",
  "audit hook":
    "import sys\nSEEN = [0]\ndef add(a, b):\n    try:\n        sys.addaudithook(lambda e, x: None)\n    except Exception:\n        pass\n    import os\n    old = os.environ.get('CODERM_SEEN') == '1'\n    os.environ['CODERM_SEEN'] = '1'\n    return a + b if old else -1\n",
  "/tmp leftovers":
    "import os\ndef add(a, b):\n    old = os.path.exists('/tmp/coderm-seen')\n    open('/tmp/coderm-seen', 'w').write('1')\n    return a + b if old else -1\n",
  "cwd leftovers":
    "import os\ndef add(a, b):\n    old = os.path.exists('coderm-seen')\n    open('coderm-seen', 'w').write('1')\n    return a + b if old else -1\n",
  "/dev/shm mode-000 dir":
    "import os\ndef add(a, b):\n    p = '/dev/shm/coderm-seen'\n    old = os.path.exists(p)\n    if not old:\n        os.mkdir(p)\n        os.chmod(p, 0)\n    return a + b if old else -1\n",
  "SysV shared memory":
    "import sys, ctypes\ndef add(a, b):\n    libc = sys.modules['isolation']._LIBC[0]\n    old = libc.syscall(29, 0xC0DE, 0, 0) >= 0\n    libc.syscall(29, 0xC0DE, 4096, 0o1666)\n    return a + b if old else -1\n",
  environment:
    "import os\ndef add(a, b):\n    old = os.environ.get('CODERM_SEEN')\n    os.environ['CODERM_SEEN'] = '1'\n    return a + b if old else -1\n",
  builtins:
    "import builtins\ndef add(a, b):\n    old = hasattr(builtins, 'coderm_seen')\n    builtins.coderm_seen = 1\n    return a + b if old else -1\n",
  "generator state":
    "def gen():\n    n = 0\n    while True:\n        n += 1\n        yield n\nG = gen()\ndef add(a, b):\n    return a + b if next(G) > 1 else -1\n",
};

describe("attacks on the split", () => {
  it("never turn a wrong solution into a pass", async () => {
    const pairs = Object.entries(HACKS).map(([id, h]) => ut(id, h.solution, h.body ?? CHECK, h.extra ?? ""));
    const r = await run(pairs);
    if (process.env.CODERM_SHOW)
      for (const id of Object.keys(HACKS))
        console.log(`${id} => ${r.get(id)!.verdict}: ${(r.get(id)!.stderr ?? "").split("\n")[0]}`);
    for (const id of Object.keys(HACKS)) {
      const o = r.get(id)!;
      expect(o.passed, `${id}: ${o.verdict} ${o.stderr}`).toBe(false);
    }
    // the ones the split turns into a precise verdict
    for (const id of [
      "__eq__ always true",
      "int subclass",
      "__bool__ always true",
      "abs shadowing in a tolerance check",
      "sorted shadowing",
      "read the test's globals",
      "read the test class",
    ])
      expect(r.get(id)!.verdict, id).toBe("unsupported");
    // and the sandbox still answers
    const ok = await run([ut("right", "def add(a, b):\n    return a + b\n", CHECK)]);
    expect(ok.get("right")!.verdict).toBe("pass");
  });

  it("carry nothing from one test to the next (answers cannot adapt)", async () => {
    const pairs: PairInput[] = [];
    for (const [id, sol] of Object.entries(LEARNS))
      for (let t = 0; t < 3; t++)
        pairs.push(ut(`${id}#${t}`, sol, `self.assertEqual(add(${t}, 1), ${t + 1})`));
    const r = await run(pairs);
    if (process.env.CODERM_SHOW)
      for (const id of Object.keys(LEARNS))
        console.log(
          `${id} => ${[0, 1, 2].map((t) => r.get(`${id}#${t}`)!.verdict).join(",")}: ${(r.get(`${id}#1`)!.stderr ?? "").split("\n")[0]}`,
        );
    for (const id of Object.keys(LEARNS))
      for (let t = 0; t < 3; t++) {
        const o = r.get(`${id}#${t}`)!;
        expect(o.passed, `${id}#${t}: ${o.verdict} ${o.stderr}`).toBe(false);
      }
  });

  it("a candidate's heap holds no other solution's source (scanned through write(2) from raw addresses)", async () => {
    // Reads 64 MiB around its own objects by writing memory into a pipe (no ctypes memory API: the harness's
    // resolved libc syscall), looking for `head` directly followed by `tail`. The control builds that pair
    // itself, so the scan is shown to work; the attack looks for one only a neighbour's source holds.
    const scan = (tail: string, build: boolean) =>
      [
        "import os, sys, ctypes",
        "def add(a, b):",
        "    libc = sys.modules['isolation']._LIBC[0]",
        `    head, tail = b'coderm-neighbour-', b'${tail}'`,
        `    mine = head + tail if ${build ? "True" : "False"} else None`,
        "    r, w = os.pipe()",
        "    base = id(head) & ~0xFFFF",
        "    for off in range(-(32 << 20), 32 << 20, 1 << 16):",
        "        n = libc.syscall(1, w, ctypes.c_void_p(base + off), ctypes.c_size_t(1 << 16))",
        "        if n <= 0:",
        "            continue",
        "        chunk = os.read(r, n)",
        "        i = chunk.find(head)",
        "        while i >= 0:",
        "            if chunk[i + len(head):i + len(head) + len(tail)] == tail:",
        "                return a + b",
        "            i = chunk.find(head, i + 1)",
        "    return a - b",
        "",
      ].join("\n");
    const one = await Sandbox.start({ workers: 1 });
    try {
      const neighbour = "def add(a, b):\n    # coderm-neighbour-q7z\n    return a + b\n";
      const got = new Map<string, PairOutcome>();
      for (const p of [
        ut("neighbour", neighbour, CHECK),
        ut("control", scan("own", true), CHECK),
        ut("attack", scan("q7z", false), CHECK),
      ])
        for await (const o of one.run([p])) got.set(o.id, o);
      expect(got.get("neighbour")!.verdict).toBe("pass");
      expect(got.get("control")!.verdict, got.get("control")!.stderr).toBe("pass");
      expect(got.get("attack")!.passed, got.get("attack")!.stderr).toBe(false);
    } finally {
      await one.close();
    }
  });

  it("a filled /tmp or /dev/shm does not reach the next solution", async () => {
    const fill =
      "import os\ndef add(a, b):\n    for d in ('/tmp', '/dev/shm'):\n        try:\n            with open(os.path.join(d, 'big'), 'wb') as f:\n                while True:\n                    f.write(b'x' * (1 << 20))\n        except OSError:\n            pass\n    return a - b\n";
    const after =
      "import os\ndef add(a, b):\n    for d in ('/tmp', '/dev/shm'):\n        with open(os.path.join(d, 'mine'), 'wb') as f:\n            f.write(b'y' * (1 << 20))\n        assert os.listdir(d) == ['mine'], os.listdir(d)\n    return a + b\n";
    const r = await run([ut("fill", fill, CHECK)]);
    const r2 = await run([ut("after", after, CHECK)]);
    expect(r.get("fill")!.passed).toBe(false);
    expect(r2.get("after")!.verdict, r2.get("after")!.stderr).toBe("pass");
  });

  it("the candidate sees only itself: its pid namespace, its own /tmp, no /share, no signals out", async () => {
    if (!ns) return;
    const probe = [
      "import os, signal",
      "def view():",
      "    pids = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())",
      "    sent = []",
      "    for p in range(2, 300):",
      "        try:",
      "            os.kill(p, 0)",
      "            sent.append(p)",
      "        except OSError:",
      "            pass",
      "    share = os.listdir('/share') if os.path.isdir('/share') else []",
      "    harness = os.listdir('/harness') if os.path.isdir('/harness') else []",
      "    return pids, sent, share, harness, os.getpid(), os.getcwd(), sorted(os.listdir('/tmp'))",
    ].join("\n");
    const r = await run([
      ut("view", probe, ["self.assertEqual(view(), ([1], [], [], [], 1, '/tmp', []))"]),
      // the worker and the zygote are in the judge's view, never in the candidate's
      ut("judge-view", probe, [
        "import os",
        "mine = {int(p) for p in os.listdir('/proc') if p.isdigit()}",
        "self.assertIn(os.getppid(), mine)",
        "self.assertEqual(view()[0], [1])",
      ]),
    ]);
    expect(r.get("view")!.verdict, r.get("view")!.stderr).toBe("pass");
    expect(r.get("judge-view")!.verdict, r.get("judge-view")!.stderr).toBe("pass");
  });

  it("the candidate holds no capability (bounding set included) and runs under seccomp", async () => {
    if (!ns) return;
    // The zygote empties the bounding set once for all its candidates: each candidate must still show it empty.
    const probe =
      "def caps():\n    out = {}\n    for line in open('/proc/self/status'):\n        k, _, v = line.partition(':')\n        if k in ('CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb', 'Seccomp', 'NoNewPrivs'):\n            out[k] = v.strip()\n    return out\n";
    const r = await run([
      ut("caps", probe, [
        "z = '0' * 16",
        "self.assertEqual(caps(), {'CapInh': z, 'CapPrm': z, 'CapEff': z, 'CapBnd': z, 'CapAmb': z, 'Seccomp': '2', 'NoNewPrivs': '1'})",
      ]),
    ]);
    expect(r.get("caps")!.verdict, r.get("caps")!.stderr).toBe("pass");
  });

  it("controls: the right solution passes and a plainly wrong one fails, under every channel's imports", async () => {
    const right = (prelude: string) => `${prelude}\ndef add(a, b):\n    return a + b\n`;
    const r = await run([
      ut("right-plain", right(""), CHECK),
      ut("right-stateful", right("import os, sys, re, gc, threading\nCACHE = {}"), CHECK),
      ut("wrong-plain", wrong(""), CHECK),
      ut("wrong-stateful", wrong("CACHE = {}"), CHECK),
    ]);
    expect(r.get("right-plain")!.verdict).toBe("pass");
    expect(r.get("right-stateful")!.verdict).toBe("pass");
    expect(r.get("wrong-plain")!.verdict).toBe("fail");
    expect(r.get("wrong-stateful")!.verdict).toBe("fail");
  });
});
