"""Kind `assert`: solution + a list of assert cases (CodeT's shape); each case is its own verdict.

Each case gets its own alarm (CodeT: 0.1 s) and starts from the globals left by loading the solution.
"""
import ast
import sys
import time

import guard
from batch import describe, run_batched
from forkrun import TimeoutException, arm_alarm, disarm_alarm

# run(job, ctx) is called in the trusted worker and forks its own children (see batch.py).
PARENT_SIDE = True
_cache = {}
_reset_failures, _failures = guard.reset_failures, guard.failures


def prepare_case(text, hardened):
    key = (text, hardened)
    hit = _cache.get(key)
    if hit is not None:
        return hit
    try:
        tree = ast.parse(text, "<case>")
        code = guard.compile_hardened(tree, "<case>") if hardened else compile(tree, "<case>", "exec")
        res = (code, None)
    except (SyntaxError, ValueError) as e:
        res = (None, describe(e))
    if len(_cache) > 50000:
        _cache.clear()
    _cache[key] = res
    return res


def make_run_unit(early_stop):
    def run_unit(p, g, budget, ctx):
        ctx.stdout.take()
        ctx.stderr.take()
        sys.stdout, sys.stderr = ctx.stdout, ctx.stderr
        base = dict(g)
        cases, notes = [], []
        t0 = time.perf_counter()
        for i, (code, why) in enumerate(p):
            name = f"case_{i}"
            if code is None:
                v = "invalid"
                notes.append(f"{name}: {why}")
            else:
                g.clear()
                g.update(base)
                try:
                    _reset_failures()
                    arm_alarm(budget)
                    exec(code, g)  # noqa: S102
                    disarm_alarm()
                    v = "fail" if _failures() else "pass"
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
            cases.append([name, v])
            if early_stop and v != "pass":
                break
        err = ctx.stderr.take()
        text = "\n".join(notes) + ("\n" + err if err else "")
        return {"c": cases, "ms": round((time.perf_counter() - t0) * 1000, 3), "e": text[:2000]}

    return run_unit


def judge(p, rec):
    cases = rec.get("c", [])
    for _, v in cases:
        if v != "pass":
            return v, cases
    if len(cases) != len(p):
        return "error", cases
    return "pass", cases


def run(job, ctx):
    hardened = job.get("hardened", True)
    units = []
    for t in job["tests"]:
        cases = t.get("cases")
        if cases is None:
            cases = [ln for ln in t["test"].splitlines() if ln.strip()]
        units.append((t["key"], [prepare_case(c, hardened) for c in cases]))
    run_batched(ctx, {**job, "timeout": job.get("timeout", 0.1)}, units,
                make_run_unit(not job.get("details", False)), judge)
