"""LiveCodeBench tests (lcb_runner/evaluation/testing_util.py `run_test`, `grade_call_based` / `grade_stdio`):
public then private tests, stopping at the first failure; functional problems call `Solution().<fn_name>` (or
the module's function) with one JSON value per input line and compare with `==` (a tuple counts as a list);
stdin problems run the program's statements wrapped into a function with LiveCodeBench's mocked stdin and
`open`, and compare stripped lines, exactly or as decimals.

The program runs in one candidate (LiveCodeBench runs all tests in one process, on one `Solution()`), set up
there exactly as LiveCodeBench sets it up (`_RUNNER`); the judge sends one test's input at a time and compares
what comes back (the return value, or the captured stdout) with the expected output, which never enters the
candidate. The time limit per test is enforced from outside: the candidate is killed when it runs over.
"""
import ast
import json

import judge
from coderm_labels import common

# The imports LiveCodeBench prepends to every program (testing_util.py `import_string`).
LCB_IMPORTS = (
    "from string import *\nfrom re import *\nfrom datetime import *\nfrom collections import *\n"
    "from heapq import *\nfrom bisect import *\nfrom copy import *\nfrom math import *\nfrom random import *\n"
    "from statistics import *\nfrom itertools import *\nfrom functools import *\nfrom operator import *\n"
    "from io import *\nfrom sys import *\nfrom json import *\nfrom builtins import *\nfrom typing import *\n"
    "import string\nimport re\nimport datetime\nimport collections\nimport heapq\nimport bisect\nimport copy\n"
    "import math\nimport random\nimport statistics\nimport itertools\nimport functools\nimport operator\n"
    "import io\nimport sys\nimport json\nsys.setrecursionlimit(50000)\n"
)

# The candidate's side, after common.guarded's stream guard: the program executed in a module named tmp_sol (as
# LiveCodeBench does), the target resolved once, and one function per test kind. What these return is only the
# program's own answer; a program that rewrites them can only misreport itself.
_RUNNER = """
def __coderm_setup(code, fn_name):
    import builtins, io, sys, types
    mod = types.ModuleType("tmp_sol", "")
    exec(code, mod.__dict__)
    target = mod.Solution() if ("class Solution" in code and fn_name) else mod
    method = getattr(target, fn_name or "wrapped_function")

    class _Buffer:
        def __init__(self, inputs):
            self.inputs = inputs.encode("utf-8")
        def read(self, *a):
            return self.inputs
        def readline(self, *a):
            return self.inputs.split(b"\\n")[0] + b"\\n"

    class _Stdin:  # LiveCodeBench's MockStdinWithBuffer
        def __init__(self, inputs):
            self.inputs = inputs
            self._io = io.StringIO(inputs)
            self.buffer = _Buffer(inputs)
        def read(self, *a):
            return self.inputs
        def readline(self, *a):
            return self._io.readline(*a)
        def readlines(self, *a):
            return self.inputs.split("\\n")
        def __getattr__(self, name):
            return getattr(self._io, name)

    class _Opened(io.StringIO):  # a handle of unittest.mock.mock_open(read_data=inputs): writes go nowhere
        def write(self, *a, **k):
            return None
        def close(self):
            pass

    def call(*args):
        got = method(*args)
        return list(got) if isinstance(got, tuple) else got

    def stdio(inputs):
        captured = io.StringIO()
        saved = sys.stdin, sys.stdout
        sys.stdin, sys.stdout = _Stdin(inputs), captured
        # LiveCodeBench patches builtins.open with mock_open(read_data=inputs): every open() reads the input
        # from its start (unittest.mock itself cannot load here: it builds code objects).
        real_open, builtins.open = builtins.open, lambda *a, **k: _Opened(inputs)
        try:
            try:
                method()
            except SystemExit:
                pass
        finally:
            sys.stdin, sys.stdout = saved
            builtins.open = real_open
        return captured.getvalue()

    return call, stdio
__coderm_call, __coderm_stdio = __coderm_setup(%r, %r)
del __coderm_setup
"""


def clean_if_name(code):
    """LiveCodeBench's clean_if_name: a trailing `if __name__ == '__main__':` block becomes top-level code."""
    try:
        tree = ast.parse(code)
        last = tree.body[-1]
        if isinstance(last, ast.If) and ast.unparse(last.test).strip() == "__name__ == '__main__'":
            code = ast.unparse(tree.body[:-1]) + "\n" + ast.unparse(last.body)
    except Exception:  # noqa: BLE001 - LiveCodeBench keeps the code as is
        pass
    return code


def make_function(code):
    """LiveCodeBench's make_function: a stdin program's statements (not its imports) become `wrapped_function`."""
    try:
        tree = ast.parse(code)
        imports = [s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))]
        others = [s for s in tree.body if not isinstance(s, (ast.Import, ast.ImportFrom))]
        fn = ast.FunctionDef(
            name="wrapped_function",
            args=ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]),
            body=others,
            decorator_list=[],
            lineno=-1,
        )
        return LCB_IMPORTS + "\n" + ast.unparse(imports) + "\n" + ast.unparse(fn)
    except Exception:  # noqa: BLE001
        return code


def _lines(text):
    return [line.strip() for line in text.strip().split("\n")]


def _decimals(line):
    from decimal import Decimal

    try:
        return True, [Decimal(x) for x in line.split()]
    except Exception:  # noqa: BLE001
        return False, []


def same_output(prediction, expected):
    """grade_stdio's comparison: the same number of stripped lines, each equal or equal as lists of decimals."""
    got, want = _lines(prediction), _lines(expected)
    if len(got) != len(want):
        return False
    for a, b in zip(got, want):
        if a == b:
            continue
        ok_a, da = _decimals(a)
        ok_b, db = _decimals(b)
        if not (ok_a and ok_b) or da != db:
            return False
    return True


def _equal(got, want):
    try:
        return got == want
    except judge.Unsupported:  # a value of the program's own type: its __eq__ is not asked
        return False


def _test(cand, i, inp, out, fn_name, o, split):
    """None when test i passed, else LiveCodeBench's note."""
    judge.reset_pair()
    limit = o["timeout"]
    try:
        if fn_name:
            args = [json.loads(line) for line in inp.split("\n")]
            want = json.loads(out)
            got, meta = cand.call("__coderm_call", args, None, timeout_s=limit * o["stretch"])
        else:
            got, meta = cand.call("__coderm_stdio", [inp], None, timeout_s=limit * o["stretch"])
    except judge.CandidateTimeout:
        return f"time limit exceeded on test {i}"
    except judge.CandidateCrash:
        split.add("crash")
        return f"runtime error on test {i}: crash"
    except judge.Unsupported:
        split.add("unsupported")
        return f"runtime error on test {i}: unsupported"
    except BaseException as e:  # noqa: BLE001 - the program's exception, by its name
        return f"runtime error on test {i}: {type(e).__name__}"
    if o["cpu"] and meta["cpu_s"] is not None and meta["cpu_s"] > limit:
        return f"time limit exceeded on test {i}"
    ok = _equal(got, want) if fn_name else type(got) is str and same_output(got, out)
    if split.flags() is not None:
        ok = False
    return None if ok else f"wrong answer on test {i}"


def _one(ctx, code, call, o, split):
    fn_name = call.get("fn_name")
    code = LCB_IMPORTS + "\n\n" + code if fn_name else make_function(clean_if_name(code))
    src = common.guarded("", _RUNNER % (code, fn_name), depth=0)  # LiveCodeBench sets its own limit
    cand = ctx.candidate(src, o["timeout"] * o["stretch"])
    try:
        why = common.load_failure(cand)
        if why is not None:
            if why == "crash":
                split.add("crash")
            return False, "compile: " + ("TimeLimit" if why == "timeout" else why)
        for i, (inp, out) in enumerate(zip(call["inputs"], call["outputs"])):
            note = _test(cand, i, inp, out, fn_name, o, split)
            if note is not None:
                return False, note
        return True, None
    finally:
        cand.close()


def lcb_check(call, ctx):
    """`programs` of one problem against its `inputs`/`outputs` (public then private), `fn_name` for functional
    problems, `timeout` per test (6, LiveCodeBench's); `clock: "cpu"` counts the candidate's CPU time per test,
    wall time bounding it at `wall_factor` x the limit."""
    cpu = call.get("clock") == "cpu"
    o = {"timeout": float(call.get("timeout", 6)), "cpu": cpu, "stretch": float(call.get("wall_factor", 10)) if cpu else 1.0}
    ctx.max_frame = max(ctx.max_frame, 1 << 30)  # a stdout or a return value may be large
    split = common.Split()
    results = []
    for code in call["programs"]:
        passed, note = _one(ctx, code, call, o, split)
        results.append({"passed": passed, "note": note})
        ctx.beat()
    return {"results": results, "stopped": None, "split": split.counts}
