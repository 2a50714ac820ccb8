"""Kind `unittest`: solution + one TestCase class (the paper's program shape), judged in the split.

Runs in the judge. The test's module code and methods execute here, in a namespace holding the solution's names
as proxies (functions, classes) or copies (plain values); the solution runs in a candidate. A pair passes only
when every parsed test method reports success through our own TestResult. Skipped methods do not pass unless
job option skip_is_pass (the reference counts them).

State: when the worker's static check proves the solution stateless (job["_stateless"]), one candidate serves all
the job's tests; otherwise every test gets a fresh candidate (the reference's process per pair). A candidate that
crashed or timed out is replaced. Reference verdicts (job option reference): the concatenated program runs in one
interpreter in a candidate that reports wasSuccessful itself (forgeable; for parity studies only).
"""
import ast
import io
import re
import sys
import time
import unittest

import judge
from forkrun import TimeoutException, arm_alarm, describe, disarm_alarm

JUDGE_SIDE = True
_RUNNER = re.compile(r"^suite = unittest\.TestLoader\(\)\.loadTestsFromTestCase\((\w+)\)", re.M)
_TestCase = unittest.TestCase
_cache = {}
# Frames available inside a test method under the reference executor (bench/reference_exec.py: 963 inside its
# process pool); the judge's limit is calibrated to it once per worker.
REFERENCE_DEPTH = 963
RUNNER_LINES = ("\nsuite = unittest.TestLoader().loadTestsFromTestCase({cls})\n"
                "runner = unittest.TextTestRunner(stream=output, verbosity=2)\nresult = runner.run(suite)\n"
                "locals_dict['result'] = result\n")


def parse(text):
    """Parse once per distinct test text (in the worker, before the judge forks). dict(ok, ...)."""
    hit = _cache.get(text)
    if hit is not None:
        return hit
    m = _RUNNER.search(text)
    name = m.group(1) if m else None
    src = text[: m.start()] if m else text
    try:
        tree = ast.parse(src, "<test>")
    except (SyntaxError, ValueError, MemoryError, RecursionError) as e:
        return _keep(text, {"ok": False, "why": describe(e)})
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    if name is None:
        withtests = [n for n in classes.values() if any(
            isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.name.startswith("test") for f in n.body)]
        pick = withtests[-1] if withtests else (list(classes.values())[-1] if classes else None)
        name = pick.name if pick else None
    if name is None or name not in classes:
        return _keep(text, {"ok": False, "why": f"no TestCase class {name or ''} found".replace("  ", " ")})
    methods, seen, todo = {}, set(), [classes[name]]
    while todo:  # methods inherited from classes defined in the same test count too
        c = todo.pop()
        if c.name in seen:
            continue
        seen.add(c.name)
        for f in c.body:
            if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.name.startswith("test"):
                methods.setdefault(f.name, f)
        todo.extend(classes[b.id] for b in c.bases if isinstance(b, ast.Name) and b.id in classes)
    future = any(isinstance(n, ast.ImportFrom) and n.module == "__future__" for n in tree.body)
    try:
        code = compile(tree, "<test>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, MemoryError, RecursionError) as e:
        return _keep(text, {"ok": False, "why": describe(e)})
    return _keep(text, {"ok": True, "code": code, "cls": name, "methods": sorted(methods), "future": future,
                        "has_runner": m is not None})


def _keep(text, res):
    if len(_cache) > 20000:
        _cache.clear()
    _cache[text] = res
    return res


def prepare(job):
    for t in job["tests"]:
        parse(t["test"])


class _Result(unittest.TestResult):
    """Records what happened to one method; the verdict is decided from these events."""

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


def _verdict(events, skip_is_pass):
    kinds = [e[0] for e in events]
    for k, exc in events:
        if k == "error":
            return ("timeout" if isinstance(exc, TimeoutException) else "error"), exc
        if k in ("failure", "xsuccess"):
            return "fail", exc
    if "skip" in kinds:
        return ("pass" if skip_is_pass else "fail"), None
    if kinds and all(k in ("success", "xfail") for k in kinds):
        return "pass", None
    return "error", None


def _flagged(v):
    """A method during which the split refused something, or the candidate died, never passes."""
    unsup, crash = judge.pair_flags()
    if crash is not None:
        return "crash", crash
    if unsup is not None:
        return "unsupported", unsup
    return v, None


def _run_methods(cls, p, opts, cases, notes):
    early, skip_is_pass = opts["early_stop"], opts["skip_is_pass"]
    if getattr(cls, "__unittest_skip__", False):
        cases.extend([n, "pass" if skip_is_pass else "fail"] for n in p["methods"])
        return
    judge.reset_pair()
    try:
        cls.setUpClass()
    except BaseException as e:  # noqa: BLE001
        v, why = _flagged("timeout" if isinstance(e, TimeoutException) else "error")
        notes.append(f"setUpClass: {why or describe(e)}")
        cases.extend([n, v] for n in p["methods"])
        return
    for name in p["methods"]:
        judge.reset_pair()
        result = _Result()
        try:
            _TestCase.run(cls(name), result)
            v, exc = _verdict(result.events, skip_is_pass)
        except TimeoutException as e:
            v, exc = "timeout", e
        except BaseException as e:  # noqa: BLE001
            v, exc = "error", e
        v, why = _flagged(v)
        cases.append([name, v])
        if why is not None:
            notes.append(f"{v}: {why}" if v == "unsupported" else f"{name}: {why}")
        elif exc is not None and len(notes) < 3:
            notes.append(f"{name}: {describe(exc, 400)}")
        if early and v != "pass":
            return
    for hook in ("tearDownClass", "doClassCleanups"):
        judge.reset_pair()
        try:
            getattr(cls, hook)()
        except BaseException as e:  # noqa: BLE001
            v, why = _flagged("timeout" if isinstance(e, TimeoutException) else "error")
            cases.append([hook, v])
            notes.append(f"{hook}: {why or describe(e)}")
            return


def _run_pair(p, ns, opts):
    """exec the test module in ns and run its methods; (cases, notes)."""
    cases, notes = [], []
    try:
        judge.reset_pair()
        exec(p["code"], ns)  # noqa: S102 - the test: trusted code of the judge
        cls = ns.get(p["cls"])
        if not (isinstance(cls, type) and issubclass(cls, _TestCase)):
            notes.append(f"{p['cls']} is not a unittest.TestCase")
            cases.extend([n, "error"] for n in p["methods"])
        else:
            _run_methods(cls, p, opts, cases, notes)
    except TimeoutException:
        v, why = _flagged("timeout")
        notes.append(why or "timed out outside a test method")
        cases.append(["<module>", v])
    except BaseException as e:  # noqa: BLE001
        v, why = _flagged("error")
        notes.append(f"unsupported: {why}" if v == "unsupported" else why or describe(e))
        cases.append(["<module>", v])
    return cases, notes


def _reference_globals():
    # The reference exec()s the program with exactly these globals (no __name__: it resolves to "builtins").
    return {"unittest": unittest, "output": io.StringIO(), "locals_dict": {}}


_PROBE = """
def _rec(n):
    try:
        return _rec(n + 1)
    except RecursionError:
        return n
class CodermDepthProbe(unittest.TestCase):
    def test_depth(self):
        locals_dict["depth"] = _rec(0)
"""


def calibrate(ctx, opts):
    """Give test methods the reference's recursion headroom (measured once per worker, without any solution;
    the probe runs one frame deeper than pairs do, from here rather than from run())."""
    limit = ctx.calibrated.get("unittest-depth")
    if limit is None:
        p = parse(_PROBE)
        ns = _reference_globals()
        _run_pair(p, ns, opts)
        got = ns["locals_dict"].get("depth")
        if not isinstance(got, int):
            return
        limit = max(100, sys.getrecursionlimit() + REFERENCE_DEPTH - got - 1)
        ctx.calibrated["unittest-depth"] = limit
        ctx.send_calibration("unittest-depth", limit)
    sys.setrecursionlimit(limit)


def _judge(p, cases):
    names = [c[0] for c in cases]
    for _, v in cases:
        if v != "pass":
            return v
    if sorted(names) != p["methods"]:  # every parsed method reported success, each once, nothing else ran
        return "error"
    return "pass"


def _stderr():
    """What the test and the solution wrote to stderr during the pair (stdout is dropped)."""
    out, err = judge.DEFAULT_STREAMS["stdout"], judge.DEFAULT_STREAMS["stderr"]
    if hasattr(out, "take"):
        out.take()
    return err.take() if hasattr(err, "take") else ""


def _emit(ctx, key, verdict, cases, ms, notes, load_failure=False):
    err = _stderr()
    text = "\n".join(notes) + ("\n" + err if err else "")
    if verdict == "unsupported" and not text.startswith("unsupported: "):
        text = "unsupported: " + text
    rec = {"key": key, "verdict": verdict, "cases": cases, "ms": round(ms, 3), "stderr": text[:2000]}
    if load_failure:
        rec["load_failure"] = True
    ctx.emit(rec)


def run(job, ctx):
    opts = {"early_stop": not job.get("details", False), "skip_is_pass": bool(job.get("skip_is_pass", False))}
    solution = job["solution"]
    budget = float(job.get("timeout", 1.0))
    pending = []
    for t in job["tests"]:
        p = parse(t["test"])
        if not p["ok"]:
            ctx.emit({"key": t["key"], "verdict": "invalid", "cases": [], "ms": 0, "stderr": p["why"]})
        elif p["future"] and solution.strip():
            # The reference concatenates solution + test: a __future__ import is then not at the top.
            ctx.emit({"key": t["key"], "verdict": "invalid", "cases": [], "ms": 0,
                      "stderr": "from __future__ imports must occur at the beginning of the file"})
        else:
            pending.append((t["key"], t["test"], p))
    if not pending:
        return
    if job.get("reference"):
        return run_reference(job, ctx, pending, budget)
    calibrate(ctx, opts)
    stateless = bool((job.get("_stateless") or [False])[0]) and not job.get("parity", False)
    ctx.stats["reuse"] = int(stateless)
    ctx.prespawn = not stateless and len(pending) > 1  # a fresh candidate per test: ask for the next one early
    cand, load_s = None, 0.0
    memo = {} if stateless else None  # same call, same outcome, across this job's candidates (judge.call_hid)
    for i, (key, _, p) in enumerate(pending):
        t0 = time.perf_counter()
        cases, notes = [], []
        try:
            if cand is None or not cand.usable or not stateless:
                if cand is not None:
                    cand.close()
                arm_alarm(budget)
                cand = ctx.candidate(solution)
                cand.memo, cand.memo_budget = memo, budget
                load_s = cand.load_ms / 1000
                if cand.load_status != "ok":
                    disarm_alarm()
                    v = cand.load_status
                    for k, _, _ in pending[i:]:
                        _emit(ctx, k, v, [], 0 if k != key else (time.perf_counter() - t0) * 1000,
                              [cand.load_error], load_failure=True)
                    cand.close()
                    return
            else:
                arm_alarm(max(budget - load_s, 0.001))
            ns = _reference_globals()
            ns.update(cand.namespace())
            cand.test_ns = ns
            cases, notes = _run_pair(p, ns, opts)
        except TimeoutException:
            cases.append(["<module>", "timeout"])
            notes.append("timed out")
        finally:
            disarm_alarm()
        ms = (time.perf_counter() - t0) * 1000 + (load_s * 1000 if stateless and i > 0 else 0)
        ctx.stats["pairs"] = ctx.stats.get("pairs", 0) + 1
        ctx.stats["pair_ms"] = ctx.stats.get("pair_ms", 0) + (time.perf_counter() - t0) * 1000
        if cand is not None:
            cand.end_pair()
        _emit(ctx, key, _judge(p, cases), cases, ms, notes)
    if cand is not None:
        cand.close()


def run_reference(job, ctx, pending, budget):
    """The reference's mechanism (in-process exec + wasSuccessful), each pair in a fresh candidate. Forgeable:
    the candidate reports its own result."""
    for key, text, p in pending:
        t0 = time.perf_counter()
        program = job["solution"] + "\n\n" + text.rstrip() + "\n"
        if not p.get("has_runner"):
            program += RUNNER_LINES.format(cls=p["cls"])
        r = ctx.reference(program, budget, "unittest", hard_timeout=2 * budget + 0.5)
        ms = (time.perf_counter() - t0) * 1000
        # The reference counts an exception escaping the program as a failure.
        v = judge.reference_verdict(r, "fail", "pass" if r.get("passed") is True else "fail")
        note = "reference verdict (forgeable: reported by the candidate itself)"
        if r.get("error"):
            note += f"\n{r.get('etype')}: {r['error']}"
        ctx.emit({"key": key, "verdict": v, "cases": [], "ms": round(ms, 3), "stderr": note[:2000]})
