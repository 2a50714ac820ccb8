"""LiveCodeBench tests for the `labels` kind (labels.py): `run_test` with `grade_call_based` / `grade_stdio`."""

import io
import json
import sys
import time

# Loaded by labels.py, which registers its helpers in sys.modules in dependency order (see its `_load`); the
# timer state is read and written through the one `timers` module object, never copied.
timers = sys.modules["coderm_labels_timers"]
hygiene = sys.modules["coderm_labels_hygiene"]


_LCB_IMPORTS = (
    "from string import *\nfrom re import *\nfrom datetime import *\nfrom collections import *\n"
    "from heapq import *\nfrom bisect import *\nfrom copy import *\nfrom math import *\nfrom random import *\n"
    "from statistics import *\nfrom itertools import *\nfrom functools import *\nfrom operator import *\n"
    "from io import *\nfrom sys import *\nfrom json import *\nfrom builtins import *\nfrom typing import *\n"
    "import string\nimport re\nimport datetime\nimport collections\nimport heapq\nimport bisect\nimport copy\n"
    "import math\nimport random\nimport statistics\nimport itertools\nimport functools\nimport operator\n"
    "import io\nimport sys\nimport json\nsys.setrecursionlimit(50000)\n"
)


def _lcb_clean_if_name(code):
    import ast

    try:
        tree = ast.parse(code)
        last = tree.body[-1]
        if isinstance(last, ast.If) and ast.unparse(last.test).strip() == "__name__ == '__main__'":
            code = ast.unparse(tree.body[:-1]) + "\n" + ast.unparse(last.body)
    except Exception:  # noqa: BLE001 - LiveCodeBench keeps the code as is
        pass
    return code


def _lcb_make_function(code):
    """LiveCodeBench wraps a stdin program's statements (not its imports) into `wrapped_function`."""
    import ast

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
        return _LCB_IMPORTS + "\n" + ast.unparse(imports) + "\n" + ast.unparse(fn)
    except Exception:  # noqa: BLE001
        return code


class _LcbStdin:
    """LiveCodeBench's MockStdinWithBuffer."""

    def __init__(self, inputs):
        self.inputs = inputs
        self._io = io.StringIO(inputs)
        self.buffer = _LcbBuffer(inputs)

    def read(self, *a):
        return self.inputs

    def readline(self, *a):
        return self._io.readline(*a)

    def readlines(self, *a):
        return self.inputs.split("\n")

    def __getattr__(self, name):
        return getattr(self._io, name)


class _LcbBuffer:
    def __init__(self, inputs):
        self.inputs = inputs.encode("utf-8")

    def read(self, *a):
        return self.inputs

    def readline(self, *a):
        return self.inputs.split(b"\n")[0] + b"\n"


def _lcb_lines(text):
    return [line.strip() for line in text.strip().split("\n")]


def _lcb_decimals(line):
    from decimal import Decimal

    try:
        return True, [Decimal(x) for x in line.split()]
    except Exception:  # noqa: BLE001
        return False, []


def _lcb_same_output(prediction, expected):
    got, want = _lcb_lines(prediction), _lcb_lines(expected)
    if len(got) != len(want):
        return False
    for a, b in zip(got, want):
        if a == b:
            continue
        ok_a, da = _lcb_decimals(a)
        ok_b, db = _lcb_decimals(b)
        if not (ok_a and ok_b) or da != db:
            return False
    return True


def _lcb_one(code, inputs, outputs, fn_name, timeout):
    """(passed, note) for one program: `grade_call_based` / `grade_stdio`, stopping at the first failure."""
    import types
    from unittest import mock

    if fn_name:
        code = _LCB_IMPORTS + "\n\n" + code
    else:
        code = _lcb_make_function(_lcb_clean_if_name(code))
    mod = types.ModuleType("tmp_sol", "")
    try:
        try:
            timers._arm(timeout, time.perf_counter() + timeout + 1)
            exec(code, mod.__dict__)
            target = mod.Solution() if ("class Solution" in code and fn_name) else mod
        finally:
            timers._disarm()
        method = getattr(target, fn_name or "wrapped_function")
    except BaseException as e:  # noqa: BLE001
        return False, f"compile: {type(e).__name__}"
    for i, (inp, out) in enumerate(zip(inputs, outputs)):
        try:
            if fn_name:
                args = [json.loads(line) for line in inp.split("\n")]
                want = json.loads(out)
                try:
                    timers._arm(timeout, time.perf_counter() + timeout + 1)
                    got = method(*args)
                finally:
                    timers._disarm()
                if isinstance(got, tuple):
                    got = list(got)
                if not got == want:
                    return False, f"wrong answer on test {i}"
            else:
                captured = io.StringIO()
                saved = sys.stdin, sys.stdout
                sys.stdin, sys.stdout = _LcbStdin(inp), captured
                try:
                    with mock.patch("builtins.open", mock.mock_open(read_data=inp)):
                        try:
                            timers._arm(timeout, time.perf_counter() + timeout + 1)
                            method()
                        except SystemExit:
                            pass
                        finally:
                            timers._disarm()
                finally:
                    sys.stdin, sys.stdout = saved
                if not _lcb_same_output(captured.getvalue(), out):
                    return False, f"wrong answer on test {i}"
        except timers.TimeLimit:
            return False, f"time limit exceeded on test {i}"
        except BaseException as e:  # noqa: BLE001
            return False, f"runtime error on test {i}: {type(e).__name__}"
    return True, None


def lcb_check(job, ctx=None):
    """LiveCodeBench `run_test` for each program: functional (`fn_name`, LeetCode `class Solution`) or
    stdin/stdout tests; `inputs`/`outputs` are the public then private test strings."""
    timers._set_clock(job)
    timeout = float(job.get("timeout", 6))
    results = []
    stopped = None
    for code in job["programs"]:
        state = hygiene._State()
        state.enter()
        try:
            passed, note = timers._settle(
                lambda: _lcb_one(code, job["inputs"], job["outputs"], job.get("fn_name"), timeout),
                (False, "time limit exceeded"),
            )
        finally:
            stopped = state.leave()
        results.append({"passed": passed, "note": note})
        if stopped:
            break
    return {"results": results, "stopped": stopped}
