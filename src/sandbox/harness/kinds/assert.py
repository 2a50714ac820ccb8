"""Kind `assert`: solution + a list of assert cases (CodeT's shape); each case is its own verdict.

Runs in the judge: each case executes here in a fresh namespace holding the solution's names (proxies or
copies), under its own alarm (CodeT: 0.1 s). The solution runs in a candidate: one for the whole job when the
worker's static check proves it stateless, else a fresh one per case (CodeT runs each case in a new process).
Reference verdicts (job option reference): solution + case exec'd together in a candidate (forgeable).
"""
import ast
import io
import time
import unittest

import judge
from forkrun import TimeoutException, arm_alarm, describe, disarm_alarm

JUDGE_SIDE = True
_cache = {}


def prepare_case(text):
    hit = _cache.get(text)
    if hit is not None:
        return hit
    try:
        res = (compile(ast.parse(text, "<case>"), "<case>", "exec", dont_inherit=True), None)
    except (SyntaxError, ValueError, MemoryError, RecursionError) as e:
        res = (None, describe(e))
    if len(_cache) > 50000:
        _cache.clear()
    _cache[text] = res
    return res


def _cases(t):
    cases = t.get("cases")
    return cases if cases is not None else [ln for ln in t["test"].splitlines() if ln.strip()]


def prepare(job):
    for t in job["tests"]:
        for c in _cases(t):
            prepare_case(c)


def _stderr():
    out, err = judge.DEFAULT_STREAMS["stdout"], judge.DEFAULT_STREAMS["stderr"]
    if hasattr(out, "take"):
        out.take()
    return err.take() if hasattr(err, "take") else ""


class _Job:
    """The candidate(s) of one job: shared when stateless, else fresh per case."""

    def __init__(self, ctx, solution, stateless, budget):
        self.ctx, self.solution, self.stateless, self.budget = ctx, solution, stateless, budget
        self.cand, self.load_s, self.failed = None, 0.0, None
        self.memo = {} if stateless else None  # same call, same outcome (judge.Candidate.call_hid)

    def get(self):
        c = self.cand
        if c is not None and c.usable and self.stateless:
            return c
        if c is not None:
            c.close()
        c = self.cand = self.ctx.candidate(self.solution)
        c.memo, c.memo_budget = self.memo, self.budget
        self.load_s = c.load_ms / 1000
        if c.load_status != "ok":
            self.failed = (c.load_status, c.load_error)
        return c

    def close(self):
        if self.cand is not None:
            self.cand.close()


def _run_case(code, job, budget, notes, name):
    fresh = job.cand is None or not job.cand.usable or not job.stateless
    judge.reset_pair()
    try:
        arm_alarm(budget if fresh else max(budget - job.load_s, 0.001))
        cand = job.get() if fresh else job.cand
        if job.failed is not None:
            disarm_alarm()
            return None
        ns = {"unittest": unittest, "output": io.StringIO(), "locals_dict": {}}
        ns.update(cand.namespace())
        cand.test_ns = ns
        exec(code, ns)  # noqa: S102 - the case: trusted code of the judge
        disarm_alarm()
        v = "pass"
    except TimeoutException:
        disarm_alarm()
        v = "timeout"
    except AssertionError as e:
        disarm_alarm()
        v = "fail"
        if str(e) and len(notes) < 3:
            notes.append(f"{name}: {describe(e, 300)}")
    except BaseException as e:  # noqa: BLE001
        disarm_alarm()
        v = "error"
        if len(notes) < 3:
            notes.append(f"{name}: {describe(e, 300)}")
    unsup, crash = judge.pair_flags()
    if crash is not None:
        v = "crash"
        notes.append(f"{name}: {crash}")
    elif unsup is not None:
        v = "unsupported"
        notes.insert(0, f"unsupported: {unsup}")
    if job.cand is not None:
        job.cand.end_pair()
    return v


def run(job, ctx):
    budget = float(job.get("timeout", 0.1))
    early = not job.get("details", False)
    if job.get("reference"):
        return run_reference(job, ctx, budget, early)
    stateless = bool((job.get("_stateless") or [False])[0]) and not job.get("parity", False)
    ctx.stats["reuse"] = int(stateless)
    ctx.prespawn = not stateless  # a fresh candidate per case: ask for the next one early
    j = _Job(ctx, job["solution"], stateless, budget)
    try:
        tests = job["tests"]
        for ti, t in enumerate(tests):
            cases, notes = [], []
            t0 = time.perf_counter()
            for i, text in enumerate(_cases(t)):
                name = f"case_{i}"
                code, why = prepare_case(text)
                if code is None:
                    v = "invalid"
                    notes.append(f"{name}: {why}")
                else:
                    v = _run_case(code, j, budget, notes, name)
                    if v is None:
                        status, err = j.failed
                        for u in tests[ti:]:
                            ctx.emit({"key": u["key"], "verdict": status, "cases": [], "ms": 0,
                                      "stderr": err[:2000], "load_failure": True})
                        return
                cases.append([name, v])
                if early and v != "pass":
                    break
            verdict = next((v for _, v in cases if v != "pass"), "pass")
            if verdict == "pass" and len(cases) != len(_cases(t)):
                verdict = "error"
            err = _stderr()
            text = "\n".join(notes) + ("\n" + err if err else "")
            ctx.emit({"key": t["key"], "verdict": verdict, "cases": cases,
                      "ms": round((time.perf_counter() - t0) * 1000, 3), "stderr": text[:2000]})
    finally:
        j.close()


def run_reference(job, ctx, budget, early):
    """CodeT's mechanism: each case exec'd with the solution in one interpreter, in a fresh candidate."""
    for t in job["tests"]:
        cases = []
        t0 = time.perf_counter()
        for i, text in enumerate(_cases(t)):
            r = ctx.reference(job["solution"] + "\n" + text + "\n", budget, "assert", hard_timeout=2 * budget + 0.5)
            v = judge.reference_verdict(r, "fail" if r.get("etype") == "AssertionError" else "error")
            cases.append([f"case_{i}", v])
            if early and v != "pass":
                break
        verdict = next((v for _, v in cases if v != "pass"), "pass")
        ctx.emit({"key": t["key"], "verdict": verdict, "cases": cases, "ms": round((time.perf_counter() - t0) * 1000, 3),
                  "stderr": "reference verdict (forgeable: reported by the candidate itself)"})
