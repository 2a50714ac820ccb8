"""CodeT's dual execution (microsoft/CodeT `src/_execution.py` `check_correctness_with_test_cases`): each program
(prompt + completion) against the task's assert cases, each case under its own limit (0.1 s), every case run
(no early stop), the whole program inside timeout x cases + 0.1 s (its process join). Result per program: a
boolean per case, or the string the reference records for the whole program ("timed out", "failed: <name>").

CodeT packs the cases into one `check()` function appended to the program: a case passes when it raises no
Exception; a BaseException that is not an Exception (SystemExit) ends the whole program as "failed: <name>";
every case sees the program's state as the cases before it left it (one process). Here the program loads in
one candidate that serves all of its cases, so its state carries over the same way; each case runs in the
judge against the program's names (proxies), under the harness's alarm. A case that times out costs its
candidate (killed mid-call): the cases after it get a fresh one with the program reloaded; neither that reload
nor the judge's lateness past the case's limit is charged to the program's budget (the reference's process,
interrupted by its own alarm, pays exactly the limit). The packed program is
still compiled whole, so a case that does not compile fails every program, as in CodeT.
"""
import time

import judge
from coderm_labels import common
from forkrun import TimeoutException, arm_alarm, disarm_alarm


def pack_cases(cases, timeout):
    """CodeT's _pack_test_cases, byte for byte in structure: each case in try/with time_limit."""
    b4, b8, b12 = " " * 4, " " * 8, " " * 12
    out = "def check():\n    pass_result = []\n"
    for tc in cases:
        body = tc.strip().replace("\n", f"\n{b12}")
        out += (
            f"\n{b4}try:\n{b8}with time_limit({timeout}):\n{b12}{body}"
            f"                    \n{b12}pass_result.append(True)\n{b4}except Exception as e:\n"
            f"{b8}pass_result.append(False)\n"
        )
    out += "\n    return pass_result\n"
    out += "\nglobal final_result\nfinal_result = check()"
    return out


class _Run:
    """One program: its candidate (reloaded after a timeout), its cases' namespace, its budget."""

    def __init__(self, ctx, prefix, o, split):
        self.ctx, self.o, self.split = ctx, o, split
        self.clock = common.Clock(o["cpu"])
        self.end = time.monotonic() + o["budget"]
        self.cand = ctx.candidate(common.guarded(prefix), o["budget"])
        self.ns = {}

    def fresh(self):
        """A new candidate after the last one was lost; its clone and load extend the budget."""
        t0 = time.monotonic()
        self.cand = self.cand.refork()
        self.end += time.monotonic() - t0
        self.split.add("reloads")
        return self._bind()

    def _bind(self):
        if self.cand.load_status != "ok":
            return False
        self.ns.update(self.cand.namespace())
        self.cand.test_ns = self.ns
        return True

    def case(self, code):
        """True/False, or the whole program's result string."""
        o, cand = self.o, self.cand
        left = self.end - time.monotonic()
        if left <= 0:
            return "timed out"
        judge.reset_pair()
        c0 = (cand.cpu_seconds() or 0.0) if o["cpu"] else 0.0
        self.clock.start()
        armed = None
        try:
            if o["cpu"]:
                arm_alarm(o["timeout"], cpu=self.clock.cpu_of(cand, c0), wall_s=min(o["timeout"] * o["wall_factor"], left))
            else:
                armed = min(o["timeout"], left)
                arm_alarm(armed)
            exec(code, self.ns)  # noqa: S102 - the case, in the judge
            disarm_alarm()
            ok = True
        except TimeoutException:
            disarm_alarm()
            ok = False
            if armed is not None and armed >= o["timeout"]:
                # The reference's alarm interrupts its own process at once, so a case that times out costs it its
                # limit; here the judge wakes later (the looping candidate may hold the core) and kills the
                # candidate: that lateness is not charged to the budget either.
                self.end += max(0.0, self.clock.wall() - armed)
        except (judge.CandidateCrash, judge.CandidateTimeout, judge.Unsupported, Exception):
            disarm_alarm()
            ok = False
        except BaseException as e:  # noqa: BLE001 - SystemExit and the like escape CodeT's check() too
            disarm_alarm()
            return f"failed: {type(e).__name__}"
        if self.split.flags() is not None:
            ok = False
        elif ok and o["cpu"] and self.clock.cpu_of(cand, c0)() > o["timeout"]:
            ok = False
        if not ok and time.monotonic() > self.end:
            return "timed out"
        cand.end_pair()
        if not cand.usable and not self.fresh():
            return "reload failed"
        return ok


def _program(ctx, prefix, codes, packed, o, split):
    bad = common.compile_error(prefix) or (packed if packed else None)
    if bad is not None:
        return f"failed: {bad}"
    run = _Run(ctx, prefix, o, split)
    try:
        why = common.load_failure(run.cand)
        if why is not None:
            if why == "crash":
                split.add("crash")
            return "timed out" if why == "timeout" else f"failed: {why}"
        run._bind()
        res = []
        for code in codes:
            r = run.case(code)
            if r == "reload failed":
                res.extend([False] * (len(codes) - len(res)))
                break
            if isinstance(r, str):
                return r
            res.append(r)
        if time.monotonic() > run.end:
            return "timed out"
        return res
    finally:
        run.cand.close()


def codet_cases(call, ctx):
    """`programs` (prompt + completion) of one task against the same `cases`; `timeout` per case (0.1), `clock`
    ("wall" or "cpu": a case's limit counts CPU time, the program's budget is stretched by `wall_factor`)."""
    timeout = float(call.get("timeout", 0.1))
    cases = call["cases"]
    o = {"timeout": timeout, "cpu": call.get("clock") == "cpu", "wall_factor": float(call.get("wall_factor", 1)),
         "budget": (timeout * len(cases) + 0.1) * float(call.get("wall_factor", 1))}
    # The packed cases fail to compile for every program alike; else each case compiles on its own.
    packed = common.compile_error("\n" + pack_cases(cases, timeout))
    codes = [] if packed else [compile(tc.strip(), "<case>", "exec", dont_inherit=True) for tc in cases]
    split = common.Split()
    results = []
    for prefix in call["programs"]:
        t0 = time.monotonic()
        res = _program(ctx, prefix, codes, packed, o, split)
        if isinstance(res, list):
            res = [r is True for r in res]
        results.append({"result": res, "ms": round((time.monotonic() - t0) * 1000, 1)})
        ctx.beat()
    return {"results": results, "stopped": None, "split": split.counts}
