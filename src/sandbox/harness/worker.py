"""A sandbox worker: trusted, driven by JSON lines (one job in, result lines out); never runs untrusted code.

Started by src/sandbox/worker.ts as `python3 -s -S -P worker.py '<options json>'` with PYTHONHASHSEED fixed
(inside bubblewrap when available, as an unprivileged uid). Processes under it:
  zygote   forked at start, before any job and before the judge's side is imported (see zygote.py): forks
           one candidate per solution load;
  judge    forked on first use and kept (judge_proc.py): serves judge-side jobs (unittest, assert, program,
           label_evalplus) one after another; holds the tests, calls candidates, decides verdicts, reports
           records through a shared mapping; replaced when it dies or retires;
  child    forked per job for child-side kind plugins (no bundled kind is one: all run in the judge).
Protocol on the original stdin/stdout:
  -> {"op": "job", "id": N, "kind": "unittest" | "assert" | <plugin>, "solution": str, "tests": [...], ...}
  <- {"op": "hello", ...} once; {"op": "result", "id": N, "key": K, "verdict": ..., ...} per test;
     {"op": "done", "id": N, "stats": {...}} when the job is finished.
"""
import base64
import gc
import importlib.util
import json
import marshal
import os
import re
import select
import shutil
import socket
import sys
import tempfile
import time
import traceback
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

# Only what candidates need is imported before the zygote forks; the judge's side (judge, unittest.mock, the
# kinds, the static check) comes after it, in main(), so candidates never carry it (preload.CANDIDATE).
import candidate  # noqa: E402,F401 - candidates run it
import isolation  # noqa: E402
from preload import CANDIDATE, preload  # noqa: E402
import wire  # noqa: E402
import zygote  # noqa: E402

forkrun = judge_proc = static_check = None  # imported in main() once the zygote has forked
_CANDIDATE_SIDE = re.compile(r"^CANDIDATE_SIDE\s*=\s*True\b", re.M)


def kind_names():
    folder = os.path.join(HERE, "kinds")
    return [f[:-3] for f in sorted(os.listdir(folder)) if f.endswith(".py") and not f.startswith("_")]


def candidate_side(name):
    """A kind that runs its own functions in candidates (ctx.run_candidate) says `CANDIDATE_SIDE = True`: it is
    loaded before the zygote forks, so candidates can resolve it (they cannot read /harness)."""
    with open(os.path.join(HERE, "kinds", f"{name}.py"), encoding="utf-8") as f:
        return bool(_CANDIDATE_SIDE.search(f.read()))


def load_kinds(names):
    kinds = {}
    folder = os.path.join(HERE, "kinds")
    for name in names:
        mod_name = f"coderm_kind_{name}"
        spec = importlib.util.spec_from_file_location(mod_name, os.path.join(folder, f"{name}.py"))
        mod = importlib.util.module_from_spec(spec)
        sys.modules[mod_name] = mod  # resolvable by name in candidates when loaded before the zygote forks
        spec.loader.exec_module(mod)
        kinds[name] = mod
    return kinds


class Proto:
    def __init__(self):
        self.rfd = os.dup(0)
        self.wfd = os.dup(1)
        os.set_inheritable(self.rfd, False)
        os.set_inheritable(self.wfd, False)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        os.dup2(2, 1)  # stray prints of the worker go to the driver's log, never into the protocol
        self.buf = b""
        self.out = []

    def post(self, obj):
        """Queue a line; it goes out with the next flush() or send() (one write for a batch of results)."""
        self.out.append(json.dumps(obj, separators=(",", ":")))

    def send(self, obj):
        self.post(obj)
        self.flush()

    def flush(self):
        if not self.out:
            return
        data = ("\n".join(self.out) + "\n").encode()
        self.out = []
        view = memoryview(data)
        while view:
            view = view[os.write(self.wfd, view):]

    def lines(self):
        while True:
            chunk = os.read(self.rfd, 1 << 20)
            if not chunk:
                if self.buf.strip():
                    yield self.buf
                return
            self.buf += chunk
            *lines, self.buf = self.buf.split(b"\n")
            yield from (ln for ln in lines if ln.strip())


class Cache(dict):
    """A bounded dict (cleared when full): per-text results the worker computes once."""

    def __init__(self, cap):
        super().__init__()
        self.cap = cap

    def put(self, k, v):
        if len(self) >= self.cap:
            self.clear()
        self[k] = v
        return v


_compiled = Cache(5000)
MAX_PACKED = 1 << 20
_stateless = Cache(5000)


def compiled(text):
    """(None, the code marshalled in base64) when the solution compiles alone (checked by the worker, which never
    runs it), else (the error, None). Candidates load the marshalled code instead of compiling the text again
    (≈ 0.4 ms of each candidate's CPU): the same compile() call, made once per text here."""
    hit = _compiled.get(text)
    if hit is None:
        try:
            with warnings.catch_warnings(record=True) as warned:  # what the candidate's own compile would print
                code = compile(text, "<solution>", "exec", dont_inherit=True)
            # A solution whose compile warns (SyntaxWarning: `x is 1`) is compiled by its candidates as before, so
            # the warning still reaches the pair's stderr.
            packed = None if warned or _set_constant(code) else base64.b64encode(marshal.dumps(code)).decode("ascii")
            hit = (None, packed if packed is None or len(packed) <= MAX_PACKED else None)  # else compiled there
        except (SyntaxError, ValueError, OverflowError, MemoryError, RecursionError) as e:
            hit = (forkrun.describe(e), None)
        _compiled.put(text, hit)
    return hit


def _set_constant(code):
    """True when a constant of the code (nested ones included) is a frozenset (`list({"a", "b", "c"})`, `for x in
    {…}`): marshal rebuilds it by inserting its items in iteration order, which can iterate in another order than
    compile()'s own, so such a solution is compiled by its candidates as before (same set order, same verdict)."""
    todo = [code.co_consts]
    while todo:
        for k in todo.pop():
            t = type(k)
            if t is frozenset:
                return True
            if t is tuple:
                todo.append(k)
            elif t is _CODE:
                todo.append(k.co_consts)
    return False


_CODE = type(_set_constant.__code__)


def stateless(text):
    hit = _stateless.get(text)
    if hit is None:
        hit = _stateless.put(text, static_check.stateless(text))
    return hit


class Zygote:
    """The worker's end of the zygote's control socket."""

    def __init__(self, opts, scratch_root):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        zopts = {
            "bwrap": bool(opts.get("private_tmp")),
            "namespaces": opts.get("candidate_namespaces", True),
            "seccomp": opts.get("seccomp", True),
            "tmp_mb": opts.get("candidate_tmp_mb", 64),
            "scratch": os.path.join(scratch_root, "candidate"),
            "candidate_limits": {"address_space": opts.get("address_space"), "file_size": opts.get("file_size"),
                                 "nproc": opts.get("nproc"), "cpu_seconds": opts.get("cpu_seconds", 60)},
        }
        os.makedirs(zopts["scratch"], exist_ok=True)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the zygote
            ours.close()
            zygote.main(theirs.detach(), zopts)
        theirs.close()
        self.pid, self.sock = pid, ours
        hello = json.loads(ours.recv(1 << 16) or b"{}")
        self.ok, self.why = bool(hello.get("ok")), str(hello.get("why", "zygote did not start"))
        self._rid = 1 << 40  # the worker's request ids never collide with a judge's

    def sweep(self):
        """Kill every candidate of the last job (a judge that died leaves its candidates behind)."""
        self._rid += 1
        self.sock.sendmsg([json.dumps({"op": "sweep", "id": self._rid}).encode()])
        while True:
            msg, anc, _, _ = self.sock.recvmsg(1 << 16, socket.CMSG_SPACE(16 * 4))
            for fd in wire.received_fds(anc):  # a stale reply to a judge that died: close its pidfd
                os.close(fd)
            if not msg:
                raise OSError("the zygote is gone")
            if json.loads(msg).get("id") == self._rid:
                return


class Judges:
    """The worker's long-lived judge (judge_proc.py), forked on first use and again after it died or retired."""

    def __init__(self, kinds, zyg, opts):
        self.kinds, self.zyg, self.opts, self.proc = kinds, zyg, opts, None

    def get(self, ctx):
        if self.proc is None:
            self.proc = judge_proc.JudgeProc(ctx, self.kinds, self.zyg.sock, self.opts)
        return self.proc

    def drop(self, ctx, why):
        """Kill the judge and, through the zygote, every candidate it had (its spare included)."""
        if self.proc is not None:
            self.proc.close()
            self.proc = None
            ctx.stats[f"judge_retired_{why}"] = ctx.stats.get(f"judge_retired_{why}", 0) + 1
        try:
            self.zyg.sweep()
        except OSError:
            pass


def run_judge(job, ctx, proto, judges):
    """Run a job in the worker's judge and relay its records. A judge that dies or hangs (a test that kills its
    own process, a fork bomb in a test) costs the test in progress its verdict (crash, or timeout); the tests
    after it run in a fresh judge."""
    jid = job.get("id")
    tests = list(job.get("tests", []))
    sent = set()
    stats = {}

    def on_record(rec):
        t = rec.get("t")
        if t == "r":
            if rec.get("key") in sent:
                return
            sent.add(rec.get("key"))
            rec.pop("t")
            proto.post({"op": "result", "id": jid, **rec})
        elif t == "b":
            proto.post({"op": "beat", "id": jid})
        elif t == "cal" and isinstance(rec.get("key"), str) and type(rec.get("value")) is int:
            ctx.calibrated[rec["key"]] = rec["value"]
        elif t == "s" and isinstance(rec.get("stats"), dict):
            for k, v in rec["stats"].items():
                if isinstance(v, (int, float)):
                    stats[k] = stats.get(k, 0) + v

    hard = float(job.get("hard_timeout", 2 * float(job.get("timeout", 1.0)) + 0.5))
    while tests:
        jp = judges.get(ctx)
        out = jp.run_job({**job, "tests": tests}, hard + 1.0, on_record, proto.flush)
        if out.ended:
            t0 = time.perf_counter()
            jp.tidy()
            ctx.stats["tidy_ms"] = ctx.stats.get("tidy_ms", 0) + (time.perf_counter() - t0) * 1000
            if out.retire:
                judges.drop(ctx, out.retire)
        else:
            judges.drop(ctx, "died")
        left = [t for t in tests if t["key"] not in sent]
        if not left:
            break
        if out.ended:  # a judge that finished the job but skipped tests: a harness bug, say so
            why = "judge finished without a verdict"
        else:
            why = f"judge {out.status} (exit {out.exitcode}, signal {out.signal})"
        verdict = "timeout" if out.status == "killed" else "crash"
        proto.post({"op": "result", "id": jid, "key": left[0]["key"], "verdict": verdict, "cases": [], "ms": 0,
                    "stderr": f"{why}\n{out.output}"[:2000]})
        sent.add(left[0]["key"])
        tests = left[1:] if not out.ended else []
        if out.ended:
            for t in left[1:]:
                proto.post({"op": "result", "id": jid, "key": t["key"], "verdict": "crash", "cases": [], "ms": 0,
                            "stderr": why})
    for k, v in stats.items():
        ctx.stats[k] = ctx.stats.get(k, 0) + v


def call_in_child(kind, job, ctx, proto):
    """A child-side kind: run(job, ctx) executes untrusted code itself, so it runs in a forked child and its
    return value (JSON-able) is the result."""
    jid = job.get("id")
    got = {}

    def child_main(chan, cctx):
        try:
            chan.send({"t": "ok", "result": kind.run(job["call"], cctx)})
        except BaseException as e:  # noqa: BLE001 - the job's failure is its result
            chan.send({"t": "err", "error": f"{type(e).__name__}: {e}"[:2000]})

    out = ctx.run_child(child_main, float(job.get("timeout", 60)), lambda rec: got.setdefault("rec", rec))
    rec = got.get("rec")
    if out.status == "killed":
        reply = {"ok": False, "error": "timeout"}
    elif rec is None or not out.clean:
        reply = {"ok": False, "error": f"crash (child {out.status}, exit {out.exitcode}, signal {out.signal})"}
    elif rec["t"] == "ok":
        reply = {"ok": True, "result": rec["result"]}
    else:
        reply = {"ok": False, "error": rec["error"]}
    proto.send({"op": "result", "id": jid, "key": "call", **reply})


def handle(job, kinds, ctx, proto, judges):
    jid = job.get("id")
    kind = kinds.get(job.get("kind", "unittest"))
    if kind is None:
        raise ValueError(f"unknown job kind {job.get('kind')!r}; have {sorted(kinds)}")
    if not getattr(kind, "JUDGE_SIDE", getattr(kind, "PARENT_SIDE", False)):
        judges.drop(ctx, "legacy")  # such a child runs untrusted code: it must not inherit the judge's pipes
        call_in_child(kind, job, ctx, proto)
        return
    if "call" in job and "tests" not in job:
        job["tests"] = [{"key": "call"}]  # Sandbox.call of a judge-side kind: one result, keyed "call"
    t0 = time.perf_counter()
    if "solution" in job:
        why, job["_code"] = compiled(job["solution"])
        if why is not None:
            for t in job["tests"]:
                proto.send({"op": "result", "id": jid, "key": t["key"], "verdict": "invalid", "cases": [], "ms": 0,
                            "stderr": why, "load_failure": True})
            return
        job["_stateless"] = list(stateless(job["solution"]))
    ctx.stats["check_ms"] = ctx.stats.get("check_ms", 0) + (time.perf_counter() - t0) * 1000
    run_judge(job, ctx, proto, judges)  # the kind's prepare (parsing, cached per text) runs in the judge


def main():
    global forkrun, judge_proc, static_check
    opts = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    proto = Proto()
    scratch_root = tempfile.mkdtemp(prefix="coderm-")
    names = kind_names()
    early = [n for n in names if candidate_side(n)]
    kinds = load_kinds(early) if early else {}
    preload(CANDIDATE)
    gc.collect()
    gc.freeze()  # the zygote and judges then touch fewer pages: fewer copy-on-write faults per fork
    zyg = Zygote(opts, scratch_root)
    import forkrun  # noqa: E402 - the judge's side, after the zygote forked
    import judge  # noqa: E402,F401 - judges are forks of this worker
    import judge_proc  # noqa: E402
    import static_check  # noqa: E402

    kinds.update(load_kinds([n for n in names if n not in kinds]))
    preload()
    gc.collect()
    gc.freeze()
    wipe = ("/tmp", "/dev/shm") if opts.get("private_tmp") else ()
    ctx = forkrun.Ctx(lambda rec: None, [proto.rfd, proto.wfd], scratch_root, opts.get("cpu_seconds", 60), wipe)
    ctx.keep_pids.add(zyg.pid)
    report = isolation.harden_worker(opts)
    report["candidates"] = [zyg.ok, zyg.why]
    # hash randomization is decided at interpreter start: the driver sets PYTHONHASHSEED=0 for the worker, and
    # the zygote, judges and candidates are forks of it (same str/bytes hashes, so set order is reproducible)
    report["hash_seed"] = [sys.flags.hash_randomization == 0, "PYTHONHASHSEED=0 (deterministic str hashes)"
                           if sys.flags.hash_randomization == 0 else "random per process"]
    proto.send({"op": "hello", "pid": os.getpid(), "python": sys.version.split()[0], "isolation": report,
                "kinds": sorted(kinds)})
    try:
        serve(proto, kinds, ctx, zyg, opts)
    finally:
        shutil.rmtree(ctx.scratch_root, ignore_errors=True)  # on the host /tmp when there is no bubblewrap


def serve(proto, kinds, ctx, zyg, opts):
    judges = Judges(kinds, zyg, opts)
    for line in proto.lines():
        try:
            job = json.loads(line)
        except ValueError as e:
            proto.send({"op": "error", "id": None, "message": f"bad job line: {e}"})
            continue
        if job.get("op") == "exit":
            break
        t0 = time.perf_counter()
        try:
            handle(job, kinds, ctx, proto, judges)
        except Exception as e:  # noqa: BLE001 - report, keep serving
            proto.send({"op": "error", "id": job.get("id"), "message": f"{type(e).__name__}: {e}",
                        "trace": traceback.format_exc()[-2000:]})
        ctx.stats["jobs"] = ctx.stats.get("jobs", 0) + 1
        ctx.stats["job_ms"] = ctx.stats.get("job_ms", 0) + (time.perf_counter() - t0) * 1000
        if b"\n" in proto.buf or select.select([proto.rfd], [], [], 0)[0]:
            ctx.stats["jobs_ready"] = ctx.stats.get("jobs_ready", 0) + 1  # the driver had the next job queued
        proto.send({"op": "done", "id": job.get("id"), "stats": ctx.stats})


if __name__ == "__main__":
    main()
