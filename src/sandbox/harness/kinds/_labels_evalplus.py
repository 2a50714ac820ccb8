"""EvalPlus differential testing for the `labels` kind (labels.py): `evalplus_expected` runs the canonical
solution (evalplus/gen/util `trusted_exec`), `evalplus_check` runs candidates against its outputs
(evalplus/eval/__init__.py `unsafe_execute`, `untrusted_check`)."""

import base64
import copy
import json
import pickle
import sys
import time

# Loaded by labels.py, which registers its helpers in sys.modules in dependency order (see its `_load`); the
# timer state is read and written through the one `timers` module object, never copied.
timers = sys.modules["coderm_labels_timers"]
hygiene = sys.modules["coderm_labels_hygiene"]
rules = sys.modules["coderm_labels_evalplus_rules"]


def evalplus_expected(job, ctx=None):
    """trusted_exec of prompt + canonical_solution on base and plus inputs: expected outputs and the
    reference time of every input, returned as an opaque pickle the check jobs get back."""
    task = json.loads(job["task"])
    dataset = job["dataset"]
    task_id = task["task_id"]
    base_input, plus_input = task["base_input"], task["plus_input"]
    if dataset == "mbpp":
        base_input = rules._mbpp_deserialize(task_id, base_input)
        plus_input = rules._mbpp_deserialize(task_id, plus_input)
    entry = task["entry_point"]
    not_none = dataset == "mbpp" and entry in rules.MBPP_OUTPUT_NOT_NONE_TASKS
    sink = hygiene._Sink()
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
    # The reference's process lives for min(60, sum(limits)) + 1 (+1 with details), joined + 1. With the
    # cpu clock that budget counts CPU time too; wall time (stretched by wall_factor) is only a backstop.
    budget = min(60.0, sum(limits)) + (2.0 if fast else 3.0)
    deadline = time.perf_counter() + budget * (wall_factor if timers._clock_cpu else 1.0)
    cpu_start = time.process_time()
    timers._cpu_deadline = cpu_start + budget if timers._clock_cpu else None
    progress = 0
    passed = 0
    limit_hit = None
    # `depth` is the absolute stack depth the candidate's frame should have: the recursion limit is
    # lowered by the frames we lack (base and plus each start from the reference's fresh process).
    sys.setrecursionlimit(recursion_limit)
    sys.setrecursionlimit(max(50, recursion_limit - max(0, depth - hygiene._frames() - 1)))
    try:
        # The wall deadline stays armed through the set (re-armed after each call with the wall clock).
        timers._arm_deadline(deadline)
        g = {}
        exec(code, g)
        fn = g[entry]
        for i, inp in enumerate(inputs):
            try:
                timers._arm_input(limits[i], deadline)
                try:
                    out = fn(*inp)
                finally:
                    timers._end_input(deadline)
                exp = expected[i]
                exact_match = out == exp
                if dataset == "mbpp":
                    if entry == "are_equivalent":  # Mbpp/164
                        exact_match = exact_match or True
                    elif entry == "sum_div":  # Mbpp/295
                        exact_match = exact_match or out == 0
                    elif entry == "surface_Area":  # Mbpp/581
                        exact_match = exact_match or abs(out - rules._surface_area(*inp)) <= atol
                    elif entry == "digit_distance_nums":  # Mbpp/558
                        exact_match = exact_match or out == rules._digit_distance(*inp)
                    elif entry in rules.MBPP_OUTPUT_SET_EQ_TASKS:
                        exact_match = set(out) == set(exp)
                    elif entry in rules.MBPP_OUTPUT_NOT_NONE_TASKS:
                        if isinstance(out, bool):
                            exact_match = out == exp
                        else:
                            exact_match = exp == (out is not None)
                if dataset == "humaneval" and entry == "find_zero":
                    assert abs(rules._poly(*inp, out)) <= atol
                    passed += 1
                    progress += 1
                    continue
                # evalplus assigns to its `atol` argument here, so the forced 1e-6 stays for the
                # remaining inputs of this set; kept on purpose.
                if atol == 0 and rules.is_floats(exp):
                    atol = 1e-6
                if not exact_match and atol != 0:
                    assert type(out) == type(exp)
                    if isinstance(exp, (list, tuple)):
                        assert len(out) == len(exp)
                    assert rules.allclose(out, exp, 1e-07, atol)
                else:
                    assert exact_match
            except timers.Deadline:
                raise
            except BaseException as e:
                progress += 1
                if isinstance(e, timers.TimeLimit):
                    limit_hit = limits[i]
                if fast:
                    raise
                continue
            passed += 1
            progress += 1
        timers._disarm()
        status = "pass"
    except timers.Deadline:
        timers._disarm()
        return "timeout", progress, passed, limit_hit
    except BaseException:
        timers._disarm()
        status = "fail"
    finally:
        timers._cpu_deadline = None
    if time.perf_counter() > deadline or (timers._clock_cpu and time.process_time() - cpu_start > budget):
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
    timers._set_clock(job)
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
        state = hygiene._State()
        state.enter()
        try:
            for s in sets:
                # Fresh inputs per program and set (unpickled as reached): candidates may mutate arguments.
                inputs = _Lazy(data["inputs"][s])
                expected = _Lazy(data["expected"][s])
                status, progress, passed, limit_hit = timers._settle(
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
