"""Run many units (pairs sharing one solution) with as few forks as verdicts allow.

One child loads the solution once, then runs units one after another, restoring and fingerprinting state
between them (state.py). A child that ends abnormally cannot vouch for what it reported: its passes are
re-run one unit per child (parity), where a pass also needs the child's final "done" and a clean exit.
"""
import sys
import time
import traceback

import state
from forkrun import TimeoutException, arm_alarm, disarm_alarm


_EMPTY = compile("", "<calibration>", "exec")


def describe(e, limit=600):
    text = "".join(traceback.format_exception_only(type(e), e)).strip()
    return text[:limit]


def new_globals():
    import io
    import unittest

    # The reference exec()s the program with exactly these globals (no __name__: it resolves to "builtins").
    return {"unittest": unittest, "output": io.StringIO(), "locals_dict": {}}


def _child(solution_code, group, budget, run_unit, probe):
    def main(chan, ctx):
        g = new_globals()
        t0 = time.perf_counter()
        try:
            arm_alarm(budget)
            exec(solution_code, g)  # noqa: S102 - this is the sandbox
            disarm_alarm()
        except TimeoutException:
            disarm_alarm()
            chan.send({"t": "load", "v": "timeout", "e": "solution timed out while loading"})
            return
        except BaseException as e:  # noqa: BLE001 - SystemExit, KeyboardInterrupt included
            disarm_alarm()
            chan.send({"t": "load", "v": "error", "e": describe(e)})
            return
        load_s = time.perf_counter() - t0
        chan.send({"t": "loaded", "ms": round(load_s * 1000, 3)})
        for m in ("guard", "state", "forkrun", "batch", "isolation", "worker"):
            sys.modules.pop(m, None)  # a solution importing the harness by name gets nothing
        snapshot = dict(g)
        if probe is not None:
            # The stack depth at the units' call site is the same in every child: calibrate once per worker.
            limit = ctx.calibrated.get(probe[2])
            if limit is None and not group:  # only the calibration child (no solution code) measures
                run_unit(probe[0], g, 5.0, ctx)  # same call depth as the units below
                limit = probe[1](g)
                g.clear()
                g.update(snapshot)
                if limit is not None:
                    chan.send({"t": "calibrated", "key": probe[2], "limit": limit})
            elif limit is not None:
                sys.setrecursionlimit(limit)
        unsafe = False
        try:
            before = state.fingerprint(snapshot, bool(ctx.wipe)) if len(group) > 1 else None
        except Exception:  # noqa: BLE001 - Unsafe or anything user code raised while we looked
            unsafe = True
        for i, (key, payload) in enumerate(group):
            state.restore()
            g.clear()
            g.update(snapshot)
            rec = run_unit(payload, g, budget - load_s, ctx)
            rec["t"], rec["k"] = "r", key
            chan.send(rec)
            if i + 1 < len(group):
                try:
                    after = None if unsafe else state.fingerprint(snapshot, bool(ctx.wipe))
                except Exception:  # noqa: BLE001
                    after = None
                if after is None or after != before:
                    chan.send({"t": "taint", "why": state.diff(before, after)[:200]})
                    return

    return main


def run_batched(ctx, job, units, run_unit, judge, probe=None):
    """units: [(key, payload)]; run_unit(payload, g, budget, ctx) runs in the child and returns a record;
    judge(payload, record) -> (verdict, cases) runs in the worker; probe = (payload, after(g) -> limit, key)
    calibrates the recursion limit in the first child of a worker; later children reuse the limit."""
    budget = float(job.get("timeout", 1.0))
    hard = float(job.get("hard_timeout", 2 * budget + 0.5))
    single = bool(job.get("parity", False))
    solution_code = job["_solution_code"]
    pending = list(units)
    rerun_alone = set()
    if probe is not None and probe[2] not in ctx.calibrated:
        # Calibrate in a child that loaded no untrusted code, so a solution cannot skew the limit.
        def on_cal(rec):
            if rec.get("t") == "calibrated" and type(rec.get("limit")) is int and 100 <= rec["limit"] <= 100000:
                ctx.calibrated[probe[2]] = rec["limit"]

        ctx.run_child(_child(_EMPTY, [], budget, run_unit, probe), hard + 5, on_cal)
    while pending:
        alone = single or pending[0][0] in rerun_alone
        group = pending[:1] if alone else [u for u in pending if u[0] not in rerun_alone][:100]
        got, info = [], {}
        n_alone = len(rerun_alone)

        def on_record(rec, got=got, info=info):
            ctx.beat()
            if rec.get("t") == "r":
                got.append(rec)
            elif rec.get("t") in ("load", "loaded", "taint"):
                info[rec["t"]] = rec
                if rec["t"] == "taint":
                    ctx.stats["taints"] += 1
                    ctx.stats["taint_why"] = rec.get("why", "")

        out = ctx.run_child(_child(solution_code, group, budget, run_unit, probe), hard, on_record)
        by_key = {u[0]: u for u in group}
        if "load" in info:
            rec = info["load"]
            for key, _ in pending:
                ctx.emit({"key": key, "verdict": rec["v"], "cases": [], "ms": 0, "stderr": rec.get("e", ""),
                          "load_failure": True})
            return
        if "loaded" not in info:
            verdict = "timeout" if out.status == "killed" else "crash"
            why = f"solution load: child {out.status} (exit {out.exitcode}, signal {out.signal})"
            for key, _ in pending:
                ctx.emit({"key": key, "verdict": verdict, "cases": [], "ms": round(out.elapsed * 1000, 3),
                          "stderr": (why + "\n" + out.output)[:2000], "load_failure": True})
            return
        load_ms = info["loaded"]["ms"]
        clean = out.clean
        finished = set()
        for rec in got:
            key = rec["k"]
            if key not in by_key or key in finished:
                continue
            verdict, cases = judge(by_key[key][1], rec)
            if verdict == "pass" and not clean:
                if not alone:
                    rerun_alone.add(key)
                continue
            finished.add(key)
            ctx.emit({"key": key, "verdict": verdict, "cases": cases, "ms": round(load_ms + rec.get("ms", 0), 3),
                      "stderr": rec.get("e", "")})
        if not clean and "taint" not in info:
            # The unit in progress when the child died or hung: it gets the verdict, the rest go on.
            reported = {r["k"] for r in got}
            for key, _ in group:
                if key not in reported:
                    verdict = "timeout" if out.status == "killed" else "crash"
                    why = f"child {out.status} (exit {out.exitcode}, signal {out.signal})"
                    ctx.emit({"key": key, "verdict": verdict, "cases": [], "ms": round(out.elapsed * 1000, 3),
                              "stderr": (why + "\n" + out.output)[:2000]})
                    finished.add(key)
                    break
        if alone and group[0][0] not in finished:
            # A lone unit that reported pass but did not exit cleanly: it cannot be trusted.
            key = group[0][0]
            ctx.emit({"key": key, "verdict": "crash", "cases": [], "ms": round(out.elapsed * 1000, 3),
                      "stderr": f"child {out.status} without a clean exit\n{out.output}"[:2000]})
            finished.add(key)
        progressed = bool(finished) or len(rerun_alone) > n_alone
        if not progressed:  # never loop: a child that keeps failing without reporting ends the unit
            key = group[0][0]
            ctx.emit({"key": key, "verdict": "crash", "cases": [], "ms": round(out.elapsed * 1000, 3),
                      "stderr": f"harness: no progress (child {out.status})\n{out.output}"[:2000]})
            finished.add(key)
        pending = [u for u in pending if u[0] not in finished]
