"""Reference oracle for bench/label.ts: a re-creation of EvalPlus's checker (evalplus/evaluate.py and
evalplus/eval/__init__.py at v0.1.10 semantics) used to show coderm's labels are the same and to time the
reference mechanism on this machine. Not part of the product.

What it keeps from EvalPlus: expected outputs via trusted execution of prompt + canonical_solution
(deepcopied inputs, time.time() reference times); per sample and input set a fresh
`multiprocessing.Process` (fork) that execs the program with io swallowed, runs each input under a
setitimer limit of max(4, 4 x reference time), compares with the special oracles, the forced 1e-6 atol
for float outputs and numpy's allclose (rtol 1e-7) after the type and length checks, fail-fast; the
parent joins at min(60, sum(limits)) + 2 s; samples are spread over a ProcessPoolExecutor of
cpu_count // 2 workers (EvalPlus's default `parallel`).

Usage: python evalplus_check.py HumanEvalPlus.jsonl.gz samples.jsonl out.jsonl
"""

import contextlib
import copy
import gzip
import io
import json
import math
import multiprocessing
import os
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import Array, Value

import numpy as np


class TimeoutException(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds):
    def handler(signum, frame):
        raise TimeoutException("Timed out!")

    signal.setitimer(signal.ITIMER_REAL, seconds)
    signal.signal(signal.SIGALRM, handler)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


class WriteOnly(io.StringIO):
    def read(self, *a, **k):
        raise IOError

    def readline(self, *a, **k):
        raise IOError

    def readlines(self, *a, **k):
        raise IOError

    def readable(self, *a, **k):
        return False


class redirect_stdin(contextlib._RedirectStream):  # type: ignore
    _stream = "stdin"


@contextlib.contextmanager
def swallow_io():
    s = WriteOnly()
    with contextlib.redirect_stdout(s), contextlib.redirect_stderr(s), redirect_stdin(s):
        yield


def poly(xs, x):
    return sum([c * math.pow(x, i) for i, c in enumerate(xs)])


def is_floats(x):
    if isinstance(x, float):
        return True
    if isinstance(x, (list, tuple)) and x:
        return all(isinstance(i, float) for i in x)
    if isinstance(x, np.ndarray):
        return x.dtype == np.float64 or x.dtype == np.float32
    return False


def unsafe_execute(entry_point, code, inputs, expected, time_limits, atol, stat, details, progress):
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
    g = {}
    try:
        with swallow_io():
            exec(code, g)
            fn = g[entry_point]
        for i, inp in enumerate(inputs):
            try:
                with time_limit(time_limits[i]):
                    with swallow_io():
                        out = fn(*inp)
                exp = expected[i]
                exact_match = out == exp
                if "find_zero" == entry_point:
                    assert abs(poly(*inp, out)) <= atol
                    details[i] = True
                    progress.value += 1
                    continue
                if atol == 0 and is_floats(exp):
                    atol = 1e-6
                if not exact_match and atol != 0:
                    assert type(out) == type(exp)
                    if isinstance(exp, (list, tuple)):
                        assert len(out) == len(exp)
                    assert np.allclose(out, exp, rtol=1e-07, atol=atol)
                else:
                    assert exact_match
            except BaseException:
                details[i] = False
                progress.value += 1
                raise
            details[i] = True
            progress.value += 1
        stat.value = 0
    except BaseException:
        stat.value = 1


def untrusted_check(code, inputs, entry_point, expected, atol, ref_time):
    time_limits = [max(MIN_TIME_LIMIT, 4.0 * t) for t in ref_time]
    timeout = min(60, sum(time_limits)) + 1
    progress, stat = Value("i", 0), Value("i", 3)
    details = Array("b", [False for _ in range(len(inputs))])
    p = multiprocessing.Process(
        target=unsafe_execute,
        args=(entry_point, code, inputs, expected, time_limits, atol, stat, details, progress),
    )
    p.start()
    p.join(timeout=timeout + 1)
    if p.is_alive():
        p.terminate()
        time.sleep(0.1)
    if p.is_alive():
        p.kill()
        time.sleep(0.1)
    status = {0: "pass", 1: "fail", 2: "timeout", 3: None}[stat.value] or "timeout"
    d = details[: progress.value]
    if status == "pass" and (len(d) != len(inputs) or not all(d)):
        status = "fail"
    return status


def check(sample, problem, oracle):
    out = {"task_id": sample["task_id"], "index": sample["index"]}
    for s in ("base", "plus"):
        out[f"{s}_status"] = untrusted_check(
            sample["solution"], problem[f"{s}_input"], problem["entry_point"], oracle[s], problem["atol"], oracle[f"{s}_time"]
        )
    return out


def trusted_exec(code, inputs, entry_point):
    g = {}
    exec(code, g)
    fn = g[entry_point]
    ret, rtime = [], []
    for inp in inputs:
        inp = copy.deepcopy(inp)
        start = time.time()
        ret.append(fn(*inp))
        rtime.append(time.time() - start)
    return ret, rtime


MIN_TIME_LIMIT = 4.0


def main():
    global MIN_TIME_LIMIT
    data_file, samples_file, out_file = sys.argv[1:4]
    if len(sys.argv) > 4:
        MIN_TIME_LIMIT = float(sys.argv[4])
    problems = {}
    with gzip.open(data_file, "rt") as f:
        for line in f:
            t = json.loads(line)
            problems[t["task_id"]] = t
    samples = [json.loads(l) for l in open(samples_file) if l.strip()]
    needed = sorted({s["task_id"] for s in samples})
    t0 = time.time()
    oracles = {}
    for tid in needed:
        p = problems[tid]
        code = p["prompt"] + p["canonical_solution"]
        o = {}
        o["base"], o["base_time"] = trusted_exec(code, p["base_input"], p["entry_point"])
        o["plus"], o["plus_time"] = trusted_exec(code, p["plus_input"], p["entry_point"])
        oracles[tid] = o
    gt = time.time() - t0
    t1 = time.time()
    results = []
    with ProcessPoolExecutor(max_workers=max(1, multiprocessing.cpu_count() // 2)) as ex:
        futures = [ex.submit(check, s, problems[s["task_id"]], oracles[s["task_id"]]) for s in samples]
        for f in as_completed(futures):
            results.append(f.result())
    seconds = time.time() - t1
    with open(out_file, "w") as f:
        for r in results:
            f.write(json.dumps(r) + "\n")
    print(json.dumps({"oracle_gt_seconds": gt, "oracle_check_seconds": seconds}))


if __name__ == "__main__":
    main()
