"""Kind `label_evalplus`: EvalPlus ground-truth labels on the judge/candidate split.

The judge (this module, in a judge process forked per job) holds the task's inputs and expected outputs; each
program runs in a candidate from the zygote that never sees them. The judge calls the entry point through the
candidate's proxy, one input at a time, and compares what comes back with EvalPlus's rules itself
(evalplus/eval/__init__.py `unsafe_execute` / `untrusted_check`; the special oracles and numpy's `allclose` are in
`coderm_labels/evalplus_rules.py`). Ops (`job["call"]["op"]`), called through `Sandbox.call`:
  evalplus_expected   the canonical solution (trusted dataset code) run here on base and plus inputs: expected
                      outputs and the reference time of every input (evalplus/gen/util `trusted_exec`);
  evalplus_check      a batch of programs of one task against those outputs.

Speed without changing labels (EvalPlus's status does not depend on input order when the program keeps no state
between calls, and with fail-fast any failure decides `fail`): a program the worker's static check proves
stateless runs its inputs cheapest first (by reference time), so a wrong program usually fails on a cheap input
and the inputs that need the time limit are reached last or never; its inputs also stream through one request
(`_Set._stream`, candidate `op_map`), and a candidate whose base set passed serves the plus set too. Any other
program, and every program under `details`, runs EvalPlus's order, one call per input. Expected strings and bytes above HASH_OVER bytes are kept as a length and a
SHA-256 and compared that way (HumanEval/15's plus outputs are ~200 MB: unpickling them per program cost more
than running the program). Any other expected value above HASH_OVER pickled bytes (Mbpp/255: 2 M tuples, 360 MB)
is kept as the SHA-256 of its memo-free pickle: an output that pickles to the same bytes is equal to it (same exact
types, same values; NaN excluded), and an output that does not is compared with the real value, recomputed
here by the canonical solution for that one input (`_Canonical`), so the rules see exactly what EvalPlus's do.
The ground truth then stays small enough to travel inline, and a program's huge output may cross the wire
(`MAX_OUTPUT_FRAME`, EvalPlus's 4 GiB address space being the real bound there).

Time limits are EvalPlus's: max(min_time_limit, factor x reference time) per input on the wall clock, and the
whole set inside min(60, sum of limits) + 2 s (its process join timeout). The limit is enforced from outside:
the candidate is killed when it runs over, so a program cannot swallow the alarm. `clock: "cpu"` counts the
candidate's CPU time instead (wall time x `wall_factor` only as a backstop), a deliberate difference for loaded
machines; the default is EvalPlus's wall clock.
"""
import hashlib
import io
import pickle
import sys
import time

import judge
import static_check
import coderm_labels
from coderm_labels import evalplus_rules as rules

JUDGE_SIDE = True
HASH_OVER = 1 << 16
# A returned value crosses the candidate wire as one frame; EvalPlus's outputs reach hundreds of MB (Mbpp/255).
MAX_OUTPUT_FRAME = 1 << 30
# Seconds a streamed input may take past its limit before the candidate is killed (encoding and sending its result).
STREAM_SLACK = 0.1
# Inputs run call by call before the rest stream (see _Set._stream).
STREAM_AFTER = 8




class _Sink:
    """The canonical solution's output is discarded; reading stdin raises (EvalPlus's swallow_io)."""

    def write(self, s):
        return len(s)

    def flush(self):
        pass

    def read(self, *a):
        raise OSError("stdin is not readable")

    readline = read


def _fast_pickle(value):
    """A memo-free pickle: equal structures of the same exact types give the same bytes whatever objects they
    share (the canonical's tuples share strings; the same values decoded from the wire do not)."""
    buf = io.BytesIO()
    p = pickle.Pickler(buf, 5)
    p.fast = True
    p.dump(value)
    return buf.getvalue()


class _Digest:
    """A huge expected value, kept as the SHA-256 of its bytes (str/bytes) or of its memo-free pickle, with what
    EvalPlus's rules need of it without the value (`is_floats` drives its sticky atol)."""

    __slots__ = ("kind", "n", "sha", "floats")

    def __init__(self, value):
        if type(value) in (str, bytes):
            raw = value.encode("utf-8", "surrogatepass") if isinstance(value, str) else bytes(value)
            self.kind, self.n = type(value).__name__, len(value)
        else:
            raw = _fast_pickle(value)
            self.kind, self.n = "pickle", len(raw)
        self.sha = hashlib.sha256(raw).digest()
        self.floats = rules.is_floats(value)

    def matches(self, out):
        if self.kind == "pickle":
            try:
                raw = _fast_pickle(out)
            except Exception:  # noqa: BLE001 - a proxy or an unpicklable value: compare with the real one
                return False
            return len(raw) == self.n and hashlib.sha256(raw).digest() == self.sha
        if type(out).__name__ != self.kind or type(out) not in (str, bytes) or len(out) != self.n:
            return False
        raw = out.encode("utf-8", "surrogatepass") if isinstance(out, str) else out
        return hashlib.sha256(raw).digest() == self.sha


def _digestable(dataset, entry, value, size):
    """Whether a digest decides `out == exp` for this value: big, no special oracle reads the value, and no
    NaN (NaN != NaN, so equal bytes would not mean equal)."""
    if size <= HASH_OVER or _special(dataset, entry):
        return False
    if type(value) in (str, bytes):
        return True
    try:
        return "nan" not in repr(value).lower()
    except Exception:  # noqa: BLE001 - keep the value itself
        return False


def _special(dataset, entry):
    if dataset == "humaneval":
        return entry == "find_zero"
    return entry in ("are_equivalent", "sum_div", "surface_Area", "digit_distance_nums") or (
        entry in rules.MBPP_OUTPUT_SET_EQ_TASKS or entry in rules.MBPP_OUTPUT_NOT_NONE_TASKS)


def _stored(dataset, entry, value):
    if type(value) in (str, bytes) and len(value) > HASH_OVER and not _special(dataset, entry):
        return pickle.dumps(_Digest(value), 5)
    blob = pickle.dumps(value, 5)
    if len(blob) > HASH_OVER and _digestable(dataset, entry, value, len(blob)):
        return pickle.dumps(_Digest(value), 5)
    return blob


class _Canonical:
    """The canonical solution, executed here once per judge when a digested expected value must be seen."""

    fn = None
    task = None

    @classmethod
    def expected(cls, data, s, i):
        if cls.task != data["task_id"]:
            g = {}
            with _sunk():
                exec(data["code"], g)  # noqa: S102 - the dataset's canonical solution
            cls.fn, cls.task = g[data["entry_point"]], data["task_id"]
        with _sunk():
            return cls.fn(*pickle.loads(data["inputs"][s][i]))


class _sunk:
    def __enter__(self):
        self.saved = sys.stdout, sys.stderr, sys.stdin
        sys.stdout = sys.stderr = sys.stdin = _Sink()

    def __exit__(self, *exc):
        sys.stdout, sys.stderr, sys.stdin = self.saved


def evalplus_expected(call):
    task = call["task"]
    if isinstance(task, str):
        import json

        task = json.loads(task)
    dataset, task_id, entry = call["dataset"], task["task_id"], task["entry_point"]
    inputs = {"base": task["base_input"], "plus": task["plus_input"]}
    if dataset == "mbpp":
        inputs = {s: rules._mbpp_deserialize(task_id, v) for s, v in inputs.items()}
    not_none = dataset == "mbpp" and entry in rules.MBPP_OUTPUT_NOT_NONE_TASKS
    code = task["prompt"] + task["canonical_solution"]
    expected, ref_time = {}, {}
    with _sunk():
        g = {}
        exec(code, g)  # noqa: S102 - the dataset's canonical solution
        fn = g[entry]
        for s, values in inputs.items():
            outs, times = [], []
            for inp in values:
                arg = pickle.loads(pickle.dumps(inp, 5))  # the canonical may mutate its arguments
                start = time.time()
                out = fn(*arg)
                times.append(time.time() - start)
                outs.append(_stored(dataset, entry, (out is not None) if not_none else out))
            expected[s], ref_time[s] = outs, times
    data = {
        "format": 4, "task_id": task_id, "dataset": dataset, "entry_point": entry, "atol": task.get("atol", 0) or 0,
        "code": code,
        "inputs": {s: [pickle.dumps(i, 5) for i in v] for s, v in inputs.items()},
        "expected": expected, "ref_time": ref_time,
    }
    # Written next to the cache (a host path the caller named, or returned inline): it can reach hundreds of MB.
    blob = pickle.dumps(data, 5)
    inline = None
    if call.get("out_path"):
        with open(call["out_path"], "wb") as f:
            f.write(blob)
    else:
        import base64

        inline = base64.b64encode(blob).decode("ascii")
    return {"blob": inline, "seconds": {s: sum(v) for s, v in ref_time.items()},
            "count": {s: len(v) for s, v in inputs.items()}}


# One task's truth per judge: a job holds programs of one task; a judge is forked per job.
def _load_truth(path):
    with open(path, "rb") as f:
        return pickle.load(f)


def _eq(out, exp):
    """`out == exp`, where a value of the program's own type (a re.Match, an instance of its class: a proxy
    here) is never equal to a plain expected value. EvalPlus would ask that object's `__eq__`; trusting the
    program's `__eq__` is the one way to forge a pass, so it is not asked. Every ordinary object compares
    unequal there too, and what follows (the not-None and set oracles) sees the same `False`."""
    try:
        return out == exp
    except judge.Unsupported:
        return False


def _matches(dataset, entry, out, exp, inp, atol, real=None):
    """EvalPlus's comparison of one output (unsafe_execute), on values the judge holds. Returns (ok, atol):
    EvalPlus assigns the forced 1e-6 to its `atol` argument, so it stays for the rest of the set. `real()`
    gives a digested expected value itself."""
    if isinstance(exp, _Digest):
        if exp.matches(out):  # out == exp: no special oracle applies to a digested value
            return True, (1e-6 if atol == 0 and exp.floats else atol)
        if exp.kind != "pickle" or real is None:
            return False, (1e-6 if atol == 0 and exp.floats else atol)
        exp = real()
    exact = _eq(out, exp)
    if dataset == "mbpp":
        if entry == "are_equivalent":  # Mbpp/164
            exact = True
        elif entry == "sum_div":  # Mbpp/295
            exact = exact or out == 0
        elif entry == "surface_Area":  # Mbpp/581
            exact = exact or abs(out - rules._surface_area(*inp)) <= atol
        elif entry == "digit_distance_nums":  # Mbpp/558
            exact = exact or out == rules._digit_distance(*inp)
        elif entry in rules.MBPP_OUTPUT_SET_EQ_TASKS:
            exact = set(out) == set(exp)
        elif entry in rules.MBPP_OUTPUT_NOT_NONE_TASKS:
            exact = out == exp if isinstance(out, bool) else exp == (out is not None)
    if dataset == "humaneval" and entry == "find_zero":
        return abs(rules._poly(*inp, out)) <= atol, atol
    if atol == 0 and rules.is_floats(exp):
        atol = 1e-6
    if not exact and atol != 0:
        if type(out) != type(exp):  # noqa: E721 - EvalPlus's exact-type rule
            return False, atol
        if isinstance(exp, (list, tuple)) and len(out) != len(exp):
            return False, atol
        return rules.allclose(out, exp, 1e-07, atol), atol
    return bool(exact), atol


# What EvalPlus's `unsafe_execute` does to the process before it execs a program (evalplus/eval/utils.py
# `reliability_guard`, `swallow_io`, and `exec_globals = {}`), done in the candidate before the program's own
# code runs, so a program that opens a file, calls exit(), reads stdin, imports `resource` or uses a name it never
# defined fails here as it fails there. The program is compiled on its own (its `from __future__` imports stay
# first) and executed in the module's globals, emptied of the harness's names first.
_GUARD = """
def __coderm_guard():
    import builtins, faulthandler, io, os, shutil, subprocess, sys
    class _WriteOnly(io.StringIO):
        def read(self, *a, **k):
            raise IOError
        readline = readlines = read
        def readable(self, *a, **k):
            return False
    faulthandler.disable()
    builtins.exit = None
    builtins.quit = None
    os.environ["OMP_NUM_THREADS"] = "1"
    for n in ("kill", "system", "putenv", "remove", "removedirs", "rmdir", "fchdir", "setuid", "fork", "forkpty",
              "killpg", "rename", "renames", "truncate", "replace", "unlink", "fchmod", "fchown", "chmod", "chown",
              "chroot", "lchflags", "lchmod", "lchown", "getcwd", "chdir"):
        setattr(os, n, None)
    builtins.open = None
    shutil.rmtree = shutil.move = shutil.chown = None
    subprocess.Popen = None
    builtins.help = None
    for n in ("ipdb", "joblib", "resource", "psutil", "tkinter"):
        sys.modules[n] = None
    sys.stdin = _WriteOnly()
    sys.stdout = sys.stderr = _WriteOnly()
    def input(prompt=""):
        sys.stdout.write(str(prompt))
        return sys.stdin.readline()
    builtins.input = input
    # EvalPlus calls the entry point 10 frames nearer the top of a 1000-frame stack than a candidate does
    # (measured with a recursion probe against bench/oracles/evalplus_check.py): same headroom, same
    # RecursionErrors.
    sys.setrecursionlimit(sys.getrecursionlimit() + 10)
__coderm_guard()
for __coderm_n in [n for n in globals() if n != "__builtins__"]:
    del globals()[__coderm_n]
del __coderm_n
exec(compile(%r, "<solution>", "exec", dont_inherit=True), globals())
"""


def guarded(program):
    """The program as EvalPlus runs it: see _GUARD."""
    return _GUARD % (program,)


class _Set:
    """One `untrusted_check` of one program on one input set, in one candidate (EvalPlus: one process)."""

    def __init__(self, ctx, code, data, s, limits, opts, cand=None):
        self.ctx, self.code, self.data, self.s, self.limits, self.o = ctx, code, data, s, limits, opts
        # A candidate left idle by the previous set of the same stateless program (streamed, passed): loading
        # the program again would give the same process state.
        self.given, self.idle, self.kept = cand, False, None
        # Only these oracles read the input: the judge need not unpickle it otherwise.
        self.needs_input = data["entry_point"] in ("find_zero", "surface_Area", "digit_distance_nums")
        self.cpu = opts["clock"] == "cpu"
        self.stretch = opts["wall_factor"] if self.cpu else 1.0
        self.budget = min(60.0, sum(limits)) + (3.0 if opts["details"] else 2.0)

    def _candidate(self, end):
        cand = self.ctx.candidate(guarded(self.code), max(0.001, end - time.monotonic()))
        if cand.load_status == "ok" and self.data["entry_point"] not in cand.names:
            cand.close()
            return None, "fail"
        if cand.load_status != "ok":
            cand.close()
            return None, "timeout" if cand.load_status == "timeout" else "fail"
        return cand, None

    def _stream(self, cand, order, end):
        """The inputs through `map` requests (candidate.op_map): outcomes arrive as frames, one per input, with
        the time spent inside the function, which is what EvalPlus's time limit covers (not the transfer of a
        huge result). Each input is still bounded from outside: no frame within its limit + STREAM_SLACK and
        the candidate is killed. Returns the set's result, or (position, passed, atol) to go on call by call
        from there when a result holds an object of the program (comparing it needs requests to the
        candidate, which is busy with the next inputs) or an input cannot be sent."""
        d, entry = self.data, self.data["entry_point"]
        atol, n = d["atol"], len(order)
        try:
            hid = cand._proxy_id(cand.ref(entry))
        except BaseException:  # noqa: BLE001 - not a plain function: call by call
            return 0, 0, atol
        # Inputs go out in chunks of 1, 2, 4 ... 256, the next one sent when the first result of the last one
        # arrives: the candidate never waits, and a program failing early costs the encoding of few inputs.
        st = {"sent": 0, "size": 1, "start": 0, "chunks": 0, "stop": None}

        def send_chunk():
            a, b = st["sent"], min(n, st["sent"] + st["size"])
            try:
                args = [cand.enc(list(pickle.loads(d["inputs"][self.s][i]))) for i in order[a:b]]
                cand._send({"op": "map", "f": hid, "a": args, "pm": 0})
            except BaseException:  # noqa: BLE001 - an input that cannot be sent: call by call from there
                st["stop"] = a
                return
            st["sent"], st["start"], st["size"], st["chunks"] = b, a, min(256, st["size"] * 2), st["chunks"] + 1

        # The first inputs (the cheapest: most wrong programs fail on one of them) go call by call, so a program
        # that fails there leaves an idle candidate (killing a busy one costs more than the calls saved).
        spent = 0.0
        for k in range(min(STREAM_AFTER, n)):
            i = order[k]
            lim = self.limits[i]
            inp = pickle.loads(d["inputs"][self.s][i])
            judge.reset_pair()
            try:
                out, meta = cand.call(entry, inp, None, timeout_s=min(lim, max(0.001, end - time.monotonic())))
                t0 = time.monotonic()
                ok, atol = _matches(d["dataset"], entry, out, pickle.loads(d["expected"][self.s][i]), inp, atol,
                                    lambda: _Canonical.expected(d, self.s, i))
                spent += meta["wall_s"] + time.monotonic() - t0
            except judge.CandidateTimeout:
                return {"status": "fail", "progress": k + 1, "passed": k, "total": n, "limit_hit": lim,
                        "failed_at": i}
            except BaseException:  # noqa: BLE001 - raised, crashed, or cannot be compared: a failure
                ok = False
            if not ok:
                return {"status": "fail", "progress": k + 1, "passed": k, "total": n, "failed_at": i}
            if not cand.usable:
                return k + 1, k + 1, atol
        if n <= STREAM_AFTER:
            self.idle = True
            return {"status": "pass", "progress": n, "passed": n, "total": n}
        st["sent"] = STREAM_AFTER
        send_chunk()
        if st["stop"] == STREAM_AFTER:
            return STREAM_AFTER, STREAM_AFTER, atol
        rets = 0
        for k, i in enumerate(order):
            if k < STREAM_AFTER:
                continue
            if st["stop"] == k:
                return k, k, atol
            lim = self.limits[i]
            # From when the judge waits (its own decoding and comparing of the last result overlapped the
            # candidate's run): a program that finishes is judged on its reported time "t", this only cuts one
            # that does not.
            deadline = min(time.monotonic() + lim + STREAM_SLACK, end)
            while True:
                try:
                    m = cand.conn.recv(deadline)
                except TimeoutError:
                    if deadline >= end:
                        return {"status": "timeout", "progress": k + 1, "passed": k, "total": n}
                    return {"status": "fail", "progress": k + 1, "passed": k, "total": n, "limit_hit": lim,
                            "failed_at": i}
                except Exception:  # noqa: BLE001 - the candidate died: this input failed
                    return {"status": "fail", "progress": k + 1, "passed": k, "total": n, "failed_at": i}
                if type(m) is dict and m.get("op") == "ret":  # a chunk's end
                    rets += 1
                    continue
                break
            if k == st["start"] and st["sent"] < n and st["stop"] is None:
                send_chunk()
            if type(m) is dict and m.get("op") == "done":  # a large result follows: its transfer is not timed
                if m.get("t", 0) > lim:
                    return {"status": "fail", "progress": k + 1, "passed": k, "total": n, "limit_hit": lim,
                            "failed_at": i}
                try:
                    m = cand.conn.recv(end)
                except TimeoutError:
                    return {"status": "timeout", "progress": k + 1, "passed": k, "total": n}
                except Exception:  # noqa: BLE001 - the candidate died: this input failed
                    return {"status": "fail", "progress": k + 1, "passed": k, "total": n, "failed_at": i}
            got_at = time.monotonic()
            if type(m) is not dict or m.get("op") != "item":
                return {"status": "fail", "progress": k + 1, "passed": k, "total": n, "failed_at": i}
            if m.get("t", 0) > lim:
                return {"status": "fail", "progress": k + 1, "passed": k, "total": n, "limit_hit": lim,
                        "failed_at": i}
            if "e" in m:
                return {"status": "fail", "progress": k + 1, "passed": k, "total": n, "failed_at": i}
            before = len(cand.handles.proxies)
            try:
                out = cand.dec(m.get("v"))
            except Exception:  # noqa: BLE001 - undecodable: this input failed
                return {"status": "fail", "progress": k + 1, "passed": k, "total": n, "failed_at": i}
            if len(cand.handles.proxies) != before:
                return k, k, atol
            inp = pickle.loads(d["inputs"][self.s][i]) if self.needs_input else None
            try:
                ok, atol = _matches(d["dataset"], entry, out, pickle.loads(d["expected"][self.s][i]), inp, atol,
                                    lambda: _Canonical.expected(d, self.s, i))
            except BaseException:  # noqa: BLE001 - the value cannot be compared: a failure, as in EvalPlus
                ok = False
            if not ok:
                return {"status": "fail", "progress": k + 1, "passed": k, "total": n, "failed_at": i}
            # EvalPlus's process budget covers its calls and comparisons, not our transfer of the results.
            spent += m.get("t", 0) + (time.monotonic() - got_at)
            if spent > self.budget:
                return {"status": "timeout", "progress": k + 1, "passed": k + 1, "total": n}
        try:  # the chunks' own ends: the candidate is idle again and may serve the next set
            while rets < st["chunks"]:
                cand.conn.recv(end)
                rets += 1
            self.idle = True
        except Exception:  # noqa: BLE001 - not reusable; the set passed all the same
            self.idle = False
        return {"status": "pass", "progress": n, "passed": n, "total": n}

    def run(self, order):
        d, entry = self.data, self.data["entry_point"]
        end = time.monotonic() + self.budget * self.stretch
        cpu_end = self.budget
        cand, why = (self.given, None) if self.given is not None else self._candidate(end)
        if cand is None:
            return {"status": why, "progress": 0, "passed": 0, "total": len(order)}
        progress = passed = 0
        limit_hit, failed, atol, first_failure = None, False, d["atol"], None
        if self.o.get("stream"):
            # The budget is counted on in-function and comparing time (see _stream); wall time only backs it up.
            got = self._stream(cand, order, time.monotonic() + 3 * self.budget)
            if self.idle and cand.usable:
                self.kept = cand
            else:
                cand.close()
            if isinstance(got, dict):
                return got
            progress, passed, atol = got
            cand, why = self._candidate(end)
            if cand is None:
                return {"status": why, "progress": progress, "passed": passed, "total": len(order)}
        try:
            for i in order[progress:]:
                left = end - time.monotonic()
                if left <= 0 or (self.cpu and (cand.cpu_seconds() or 0) >= cpu_end):
                    return {"status": "timeout", "progress": progress, "passed": passed, "total": len(order)}
                if cand is None:
                    cand, why = self._candidate(end)
                    if cand is None:
                        return {"status": why, "progress": progress, "passed": passed, "total": len(order)}
                inp = pickle.loads(d["inputs"][self.s][i])
                lim = self.limits[i]
                progress += 1
                ok = False
                judge.reset_pair()
                try:
                    out, meta = cand.call(entry, inp, None, timeout_s=min(lim * self.stretch, left))
                    if self.cpu and meta["cpu_s"] is not None and meta["cpu_s"] > lim:
                        limit_hit = lim
                    else:
                        ok, atol = _matches(d["dataset"], entry, out, pickle.loads(d["expected"][self.s][i]), inp, atol,
                                            lambda: _Canonical.expected(d, self.s, i))
                except judge.CandidateTimeout:
                    if lim * self.stretch > left:
                        return {"status": "timeout", "progress": progress, "passed": passed, "total": len(order)}
                    limit_hit = lim
                except BaseException:  # noqa: BLE001 - the program raised, crashed, or its value cannot be compared
                    ok = False
                if not cand.usable:
                    cand.close()
                    cand = None
                if ok:
                    passed += 1
                    continue
                if not failed:
                    first_failure = i
                failed = True
                if not self.o["details"]:
                    break
        finally:
            if cand is not None:
                cand.close()
        r = {"status": "fail" if failed else "pass", "progress": progress, "passed": passed, "total": len(order)}
        if limit_hit is not None:
            r["limit_hit"] = limit_hit
        if first_failure is not None:
            r["failed_at"] = first_failure  # the input's index in EvalPlus's order
        return r


def evalplus_check(call, ctx):
    data = _load_truth(call["blob_path"])
    ctx.max_frame = max(ctx.max_frame, MAX_OUTPUT_FRAME)
    details = bool(call.get("details", False))
    opts = {"details": details, "clock": call.get("clock", "wall"), "wall_factor": float(call.get("wall_factor", 1))}
    min_limit = float(call.get("min_time_limit", 4.0))
    factor = float(call.get("gt_time_limit_factor", 4.0))
    sets = ["base"] if call.get("base_only") else ["base", "plus"]
    limits = {s: [max(min_limit, factor * t) for t in data["ref_time"][s]] for s in sets}
    evalplus_order = {s: list(range(len(limits[s]))) for s in sets}
    cheapest = {s: sorted(evalplus_order[s], key=lambda i: data["ref_time"][s][i]) for s in sets}
    results = []
    for code in call["programs"]:
        reorder = not details and not call.get("evalplus_order") and static_check.stateless(code)[0]
        one = {}
        # A stateless program on the wall clock, fail-fast: its inputs stream through one request.
        o = {**opts, "stream": reorder and opts["clock"] == "wall" and not call.get("no_stream")}
        kept = None
        for s in sets:
            st = _Set(ctx, code, data, s, limits[s], o, kept)
            one[s] = st.run(cheapest[s] if reorder else evalplus_order[s])
            kept = st.kept
        if kept is not None:
            kept.close()
            if reorder:
                one[s]["reordered"] = True
        results.append(one)
        ctx.beat()
    return {"results": results, "stopped": None}


OPS = {"evalplus_expected": lambda call, ctx: evalplus_expected(call), "evalplus_check": evalplus_check}


def run(job, ctx):
    coderm_labels.run_call(job, ctx, OPS, "label_evalplus")
