"""Kind `unittest`: solution + one TestCase class (the paper's program shape).

The worker parses the test before forking: the class, its test methods in loader order, and which of them
carry @expectedFailure. A pair passes only when every parsed method reports success; skipped methods do not
pass (the reference counts them: job option skip_is_pass restores that).
"""
import ast
import re
import sys
import time
import unittest

import guard
from batch import describe, run_batched
from forkrun import TimeoutException, arm_alarm, disarm_alarm

_RUNNER = re.compile(r"^suite = unittest\.TestLoader\(\)\.loadTestsFromTestCase\((\w+)\)", re.M)
_TestCase = unittest.TestCase
_TestResult = unittest.TestResult
_run = unittest.TestCase.run
_reset_failures, _failures = guard.reset_failures, guard.failures
_gettrace, _getprofile, _settrace, _setprofile = sys.gettrace, sys.getprofile, sys.settrace, sys.setprofile
# run(job, ctx) is called in the trusted worker and forks its own children (see batch.py).
PARENT_SIDE = True
_cache = {}

# Frames available inside a test method under the reference executor, measured with the probe below in
# bench/reference_exec.py (963 inside its process pool). A worker that calls exec() from another stack depth
# is calibrated to this once per child, so deep-recursion tests get the reference's verdict.
REFERENCE_DEPTH = 963


def _decorator_names(fn):
    out = set()
    for d in fn.decorator_list:
        while isinstance(d, ast.Call):
            d = d.func
        out.add(d.attr if isinstance(d, ast.Attribute) else getattr(d, "id", ""))
    return out


def prepare(text, hardened):
    """Parse once per distinct test text. Returns dict(ok, ...) or dict(ok=False, why)."""
    key = (text, hardened)
    if key in _cache:
        return _cache[key]
    m = _RUNNER.search(text)
    name = m.group(1) if m else None
    src = text[: m.start()] if m else text
    try:
        tree = ast.parse(src, "<test>")
    except (SyntaxError, ValueError) as e:
        res = {"ok": False, "why": describe(e)}
        _cache[key] = res
        return res
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    if name is None:
        withtests = [n for n in classes.values() if any(
            isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.name.startswith("test") for f in n.body)]
        pick = withtests[-1] if withtests else (list(classes.values())[-1] if classes else None)
        name = pick.name if pick else None
    if name is None or name not in classes:
        res = {"ok": False, "why": f"no TestCase class {name or ''} found".replace("  ", " ")}
        _cache[key] = res
        return res
    methods, xfail, seen, todo = {}, set(), set(), [classes[name]]
    while todo:  # methods inherited from classes defined in the same test count too
        c = todo.pop()
        if c.name in seen:
            continue
        seen.add(c.name)
        for f in c.body:
            if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.name.startswith("test"):
                methods.setdefault(f.name, f)
        todo.extend(classes[b.id] for b in c.bases if isinstance(b, ast.Name) and b.id in classes)
    for n, f in methods.items():
        if "expectedFailure" in _decorator_names(f):
            xfail.add(n)
    future = any(isinstance(n, ast.ImportFrom) and n.module == "__future__" for n in tree.body)
    try:
        if hardened:
            code = guard.compile_hardened(tree, "<test>")
        else:
            code = compile(tree, "<test>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as e:
        res = {"ok": False, "why": describe(e)}
        _cache[key] = res
        return res
    res = {"ok": True, "code": code, "cls": name, "methods": sorted(methods), "xfail": xfail, "future": future}
    if len(_cache) > 20000:
        _cache.clear()
    _cache[key] = res
    return res


class _Result(_TestResult):
    """Records what happened to one method; the verdict is decided from these events in trusted order."""

    def __init__(self):
        super().__init__()
        self.events = []

    def addSuccess(self, test):
        self.events.append(("success", None))

    def addFailure(self, test, err):
        self.events.append(("failure", err[1]))

    def addError(self, test, err):
        self.events.append(("error", err[1]))

    def addSkip(self, test, reason):
        self.events.append(("skip", reason))

    def addExpectedFailure(self, test, err):
        self.events.append(("xfail", err[1]))

    def addUnexpectedSuccess(self, test):
        self.events.append(("xsuccess", None))

    def addSubTest(self, test, subtest, err):
        if err is not None:
            self.events.append(("failure" if issubclass(err[0], test.failureException) else "error", err[1]))


def _verdict(events, name, xfail, skip_is_pass):
    kinds = [e[0] for e in events]
    for k, exc in events:
        if k == "error":
            return ("timeout" if isinstance(exc, TimeoutException) else "error"), exc
        if k in ("failure", "xsuccess"):
            return "fail", exc
    if "skip" in kinds:
        return ("pass" if skip_is_pass else "fail"), None
    if "xfail" in kinds:
        return ("pass" if name in xfail else "fail"), None
    if kinds == ["success"]:
        return "pass", None
    return "error", None


def _run_methods(cls, p, opts, cases, notes):
    early = opts["early_stop"]
    skip_is_pass = opts["skip_is_pass"]
    if getattr(cls, "__unittest_skip__", False):
        cases.extend([n, "pass" if skip_is_pass else "fail"] for n in p["methods"])
        return
    try:
        cls.setUpClass()
    except BaseException as e:  # noqa: BLE001
        v = "timeout" if isinstance(e, TimeoutException) else "error"
        notes.append(f"setUpClass: {describe(e)}")
        cases.extend([n, v] for n in p["methods"])
        return
    for name in p["methods"]:
        result = _Result()
        _reset_failures()
        try:
            case = cls(name)
            _run(case, result)
            v, exc = _verdict(result.events, name, p["xfail"], skip_is_pass)
            if v == "pass" and _failures() and name not in p["xfail"]:
                v, exc = "fail", AssertionError("an assertion failed but unittest recorded no failure")
            if _gettrace() is not None or _getprofile() is not None:
                # a trace function can jump over an assert (frame.f_lineno): never trust such a run
                _settrace(None)
                _setprofile(None)
                if v == "pass":
                    v, exc = "error", RuntimeError("a trace/profile function was installed during the test")
        except TimeoutException as e:
            v, exc = "timeout", e
        except BaseException as e:  # noqa: BLE001
            v, exc = "error", e
        cases.append([name, v])
        if exc is not None and len(notes) < 3:
            notes.append(f"{name}: {describe(exc, 400)}")
        if early and v != "pass":
            return
    for hook in ("tearDownClass", "doClassCleanups"):
        try:
            getattr(cls, hook)()
        except BaseException as e:  # noqa: BLE001
            cases.append([hook, "timeout" if isinstance(e, TimeoutException) else "error"])
            notes.append(f"{hook}: {describe(e)}")
            return


def make_run_unit(opts):
    def run_unit(p, g, budget, ctx):
        ctx.stdout.take()
        ctx.stderr.take()
        sys.stdout, sys.stderr = ctx.stdout, ctx.stderr
        cases, notes = [], []
        t0 = time.perf_counter()
        try:
            arm_alarm(budget)
            exec(p["code"], g)  # noqa: S102
            cls = g.get(p["cls"])
            if not (isinstance(cls, type) and issubclass(cls, _TestCase)):
                notes.append(f"{p['cls']} is not a unittest.TestCase")
                cases.extend([n, "error"] for n in p["methods"])
            else:
                _run_methods(cls, p, opts, cases, notes)
        except TimeoutException:
            notes.append("timed out outside a test method")
            cases.append(["<module>", "timeout"])
        except BaseException as e:  # noqa: BLE001
            notes.append(describe(e))
            cases.append(["<module>", "error"])
        finally:
            disarm_alarm()
        ms = (time.perf_counter() - t0) * 1000
        err = ctx.stderr.take()
        text = "\n".join(notes) + ("\n" + err if err else "")
        return {"c": cases, "ms": round(ms, 3), "e": text[:2000]}

    return run_unit


_PROBE = """
import sys
def _rec(n):
    try:
        return _rec(n + 1)
    except RecursionError:
        return n
class CodermDepthProbe(unittest.TestCase):
    def test_depth(self):
        locals_dict["depth"] = _rec(0)
"""


def make_probe():
    probe = prepare(_PROBE, False)

    def after(g):
        got = g["locals_dict"].pop("depth", None)
        if not isinstance(got, int):
            return None
        limit = max(100, sys.getrecursionlimit() + REFERENCE_DEPTH - got)
        sys.setrecursionlimit(limit)
        return limit

    return (probe, after, "unittest-depth")


def judge_factory(opts):
    def judge(p, rec):
        cases = rec.get("c", [])
        names = [c[0] for c in cases]
        for name, v in cases:
            if v != "pass":
                return v, cases
        # Every parsed method must have reported success, each exactly once, and nothing else ran.
        if sorted(names) != p["methods"]:
            return "error", cases
        return "pass", cases

    return judge


def run(job, ctx):
    hardened = job.get("hardened", True)
    opts = {"early_stop": not job.get("details", False), "skip_is_pass": bool(job.get("skip_is_pass", False))}
    solution = job["solution"]
    units = []
    for t in job["tests"]:
        p = prepare(t["test"], hardened)
        if not p["ok"]:
            ctx.emit({"key": t["key"], "verdict": "invalid", "cases": [], "ms": 0, "stderr": p["why"]})
        elif p["future"] and solution.strip():
            # The reference concatenates solution + test: a __future__ import is then not at the top.
            ctx.emit({"key": t["key"], "verdict": "invalid", "cases": [], "ms": 0,
                      "stderr": "from __future__ imports must occur at the beginning of the file"})
        else:
            units.append((t["key"], p))
    if not units:
        return
    run_unit = make_run_unit(opts)
    prep = make_probe() if job.get("match_depth", True) else None
    run_batched(ctx, job, units, run_unit, judge_factory(opts), prep)
