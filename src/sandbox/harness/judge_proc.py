"""The worker's long-lived judge: forked once, it serves judge-side jobs one after another (not a fork + exit +
reap per job, which cost ≈ 5–7 ms of a solution's ≈ 15).

Worker → judge: one JSON line per job on a private pipe. Judge → worker: result records are appended to a shared
anonymous mapping (no system call, no wake-up per test); the worker reads it when the judge writes its one
"end" line per job on the nonce-framed result pipe, and every POLL_S while a job runs (so long jobs stream and
the worker's hard deadline sees progress). Records written before a judge dies are in the mapping, so a crash
or a hang costs exactly the test in progress, as with a judge per job. Beats and records too large for the
mapping go through the pipe.

A judge is retired (it exits; the next job gets a fresh fork of the worker) after MAX_JOBS jobs, once it has used
half of its CPU limit, or when a job left state behind that a fresh judge would not have: builtins or a watched
module changed, a thread, a child process, a changed cwd, environment or standard stream (`changed()`).
The mapping is created after the zygote was forked: no candidate ever maps it.
"""
import builtins
import json
import mmap
import os
import select
import signal
import struct
import sys
import time

import forkrun

SHM_SIZE = 16 << 20  # virtual; only the pages written are ever allocated
POLL_S = 0.05
MAX_JOBS = 400
_HDR = struct.Struct("<Q")  # the end offset of the records written so far (they start at _HDR.size)
_WATCHED = ("builtins", "unittest", "unittest.case", "math", "cmath", "collections", "itertools", "functools",
            "operator", "re", "string", "json", "copy", "heapq", "bisect", "decimal", "fractions", "statistics",
            "datetime", "time", "random", "io", "os", "sys")


# ---------------------------------------------------------------- judge side

class ShmOut:
    """The judge's end of the shared record area."""

    def __init__(self, shm, chan):
        self.shm, self.chan, self.pos = shm, chan, _HDR.size

    def reset(self):
        self.pos = _HDR.size  # the worker zeroed the header before sending the job

    def send(self, rec):
        data = (json.dumps(rec, separators=(",", ":")) + "\n").encode()
        end = self.pos + len(data)
        if end > len(self.shm):
            self.chan.send(rec)  # does not fit: the pipe (the worker takes records from both)
            return
        self.shm[self.pos:end] = data
        self.pos = end
        _HDR.pack_into(self.shm, 0, end)


class Baseline:
    """The judge's state at start, compared after every job: first the watched modules' dicts against copies (a C
    comparison, identity first: ≈ 30 µs), and only when one differs the precise fingerprint below (which ignores
    a newly bound submodule, then refreshes the copies)."""

    def __init__(self):
        self.state = _state()
        self._copy()

    def _copy(self):
        self.dicts = [(m, dict(vars(m))) for m in (sys.modules.get(n) for n in _WATCHED) if m is not None]
        self.rest = _cheap()

    def changed(self):
        if _cheap() == self.rest and all(vars(m) == d for m, d in self.dicts):
            return None
        why = _changed(self.state, _state())
        if why is None:
            self._copy()
        return why


def _cheap():
    import unittest

    dec = sys.modules.get("decimal")
    threads = sys.modules.get("threading")
    return (id(sys.stdin), id(sys.stdout), id(sys.stderr), id(sys.displayhook), id(sys.excepthook), len(sys.path),
            sys.getswitchinterval(), dict(os.environ), dict(vars(unittest.TestCase)), os.getcwd(),
            threads.active_count() if threads else 1, builtins.__import__ is _IMPORT,
            [signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGPIPE)],
            str(dec.getcontext()) if dec else None)


def _state():
    """What a job could leave behind that a fresh judge would not have (identities only: never calls code of the
    objects compared)."""
    mods = []
    for name in _WATCHED:
        m = sys.modules.get(name)
        if m is None:
            mods.append((name, None))
        elif name == "sys":
            mods.append((name, (id(sys.stdin), id(sys.stdout), id(sys.stderr), id(sys.displayhook),
                                id(sys.excepthook), len(sys.path), sys.getswitchinterval())))
        elif name == "os":
            mods.append((name, (tuple(os.environ.items()), id(os.environ), _ids(os))))
        else:
            mods.append((name, _ids(m)))
    import unittest

    tc = tuple((k, id(v)) for k, v in vars(unittest.TestCase).items())
    threads = sys.modules.get("threading")
    dec = sys.modules.get("decimal")
    mods.append(("decimal-context", str(dec.getcontext()) if dec else None))
    return (mods, tc, os.getcwd(), threads.active_count() if threads else 1, builtins.__import__ is _IMPORT,
            [signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGPIPE)])


_IMPORT = builtins.__import__
_Module = type(sys)


def _ids(mod):
    # Submodules are left out: importing one (a solution's `import collections.abc` resolved by the judge) binds
    # it in its package, which changes nothing a later job could see.
    return tuple((k, id(v)) for k, v in vars(mod).items() if type(v) is not _Module)


def _changed(base, now):
    """None, or "state:<what>" naming the first thing that differs (a counter in Sandbox.stats)."""
    if base == now:
        return None
    for (name, a), (_, b) in zip(base[0], now[0]):
        if a != b:
            return f"state:{name}"
    names = ("modules", "TestCase", "cwd", "threads", "import", "signals")
    return "state:" + next((n for n, a, b in zip(names, base, now) if a != b), "?")


def _has_children():
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return False
    return True


def loop(chan, job_fd, shm, kinds, zsock, calibrated, opts, cpu_limit):  # pragma: no cover - runs in the judge
    """Serve jobs until the pipe closes or the judge retires. Every record of a job goes to the shared area; the
    job ends with an "end" line on the pipe (retire: this judge exits after it)."""
    import judge

    judge.DEFAULT_STREAMS["stdout"], judge.DEFAULT_STREAMS["stderr"] = sys.stdout, sys.stderr
    out = ShmOut(shm, chan)
    jctx = judge.JudgeCtx(zsock, lambda rec: out.send({"t": "r", **rec}), lambda: chan.send({"t": "b"}),
                          dict(calibrated), {}, opts)
    jctx.keep_spare = True  # one candidate cloned and set up ahead, carried from job to job
    jctx.send_calibration = lambda key, value: out.send({"t": "cal", "key": key, "value": value})
    limit0 = sys.getrecursionlimit()
    base = Baseline()
    buf, served = b"", 0
    while True:
        while b"\n" not in buf:
            chunk = os.read(job_fd, 1 << 20)
            if not chunk:
                return
            buf += chunk
        line, buf = buf.split(b"\n", 1)
        job = json.loads(line)
        out.reset()
        sys.setrecursionlimit(limit0)  # as in a fresh fork of the worker (a kind may calibrate its own)
        kind = kinds[job["kind"]]
        stats = {}
        jctx.begin_job(stats)
        if type(job.get("_code")) is str and "solution" in job:
            jctx.compiled = {job["solution"]: job["_code"]}
        t0 = time.perf_counter()
        prepare = getattr(kind, "prepare", None)
        if prepare is not None:
            prepare(job)
        kind.run(job, jctx)
        forkrun.disarm_alarm()
        judge.reset_pair()
        jctx.end_job()
        for s in (sys.stdout, sys.stderr):
            if hasattr(s, "take"):
                s.take()
        stats["judge_run_ms"] = (time.perf_counter() - t0) * 1000
        served += 1
        t = os.times()
        t1 = time.perf_counter()
        why = ("jobs" if served >= MAX_JOBS else "cpu" if t.user + t.system > cpu_limit / 2 else
               "children" if _has_children() else base.changed())
        stats["judge_check_ms"] = (time.perf_counter() - t1) * 1000
        out.send({"t": "s", "stats": stats})
        chan.send({"t": "end", "retire": why})
        if why is not None:
            return


# ---------------------------------------------------------------- worker side

class Ended:
    __slots__ = ("ended", "retire", "status", "exitcode", "signal", "output")

    def __init__(self):
        self.ended, self.retire, self.status, self.exitcode, self.signal, self.output = False, None, "exited", None, None, ""


class JudgeProc:
    """The worker's handle on one long-lived judge."""

    def __init__(self, ctx, kinds, zsock, opts):
        self.ctx = ctx
        self.shm = mmap.mmap(-1, SHM_SIZE)
        job_r, self.job_w = os.pipe()
        res_r, res_w = os.pipe()
        out_r, out_w = os.pipe()
        self.nonce = os.urandom(12).hex()
        self.scratch = ctx._scratch()
        cpu = 2 * int(ctx.cpu_seconds)
        calibrated = dict(ctx.calibrated)
        t0 = time.perf_counter()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the judge
            os.close(self.job_w)
            ctx._child(lambda chan, cctx: loop(chan, job_r, self.shm, kinds, zsock, calibrated, opts, cpu),
                       res_r, res_w, out_r, out_w, self.nonce, self.scratch, cpu_seconds=cpu)
        for fd in (job_r, res_w, out_w):
            os.close(fd)
        self.shm.madvise(mmap.MADV_DONTFORK)  # no later fork of the worker (a legacy child) maps the records
        self.pid, self.res_r, self.out_r = pid, res_r, out_r
        self.pidfd = os.pidfd_open(pid)
        self.prefix = self.nonce.encode() + b" "
        self.buf, self.read, self.alive = b"", _HDR.size, True
        st = ctx.stats
        st["judges"] = st.get("judges", 0) + 1
        st["judge_fork_ms"] = st.get("judge_fork_ms", 0) + (time.perf_counter() - t0) * 1000

    def _drain_shm(self, on_record):
        (end,) = _HDR.unpack_from(self.shm, 0)
        if end <= self.read:
            return False
        data = self.shm[self.read:end]
        self.read = end
        for line in data.split(b"\n"):
            if line:
                on_record(json.loads(line))
        return True

    # Long: one select loop must watch the result pipe, the output pipe, the judge's exit and the shared area
    # under a deadline that every sign of progress restarts; split, each piece would need all of that state.
    def run_job(self, job, hard_timeout, on_record, on_progress):
        """Send one job and feed its records to on_record until the judge ends it (→ Ended.ended) or dies or
        hangs past `hard_timeout` without progress (→ status "crashed"/"killed"/"exited", judge gone)."""
        res = Ended()
        _HDR.pack_into(self.shm, 0, _HDR.size)
        self.read = _HDR.size
        out = bytearray()
        data = memoryview((json.dumps(job, separators=(",", ":")) + "\n").encode())
        deadline = time.monotonic() + hard_timeout
        fds = [self.res_r, self.out_r, self.pidfd]
        try:
            while data:  # a job larger than the pipe: the judge reads while we write
                ready = select.select(fds, [self.job_w], [], max(0.0, deadline - time.monotonic()))
                if not any(ready):
                    break
                if self.job_w in ready[1]:
                    data = data[os.write(self.job_w, data[:1 << 16]):]
                if self.pidfd in ready[0]:
                    break
        except OSError:
            pass
        exited = False
        while True:
            now = time.monotonic()
            if now >= deadline:
                if not exited:
                    os.kill(self.pid, signal.SIGKILL)
                    res.status = "killed"
                break
            ready, _, _ = select.select(fds, [], [], min(POLL_S, deadline - now))
            progress = self._drain_shm(on_record)
            if self.out_r in ready:
                chunk = os.read(self.out_r, 65536)
                if not chunk:
                    fds.remove(self.out_r)
                elif len(out) < forkrun.OUTPUT_CAP:
                    out += chunk[: forkrun.OUTPUT_CAP - len(out)]
            if self.res_r in ready:
                chunk = os.read(self.res_r, 65536)
                if not chunk:
                    fds.remove(self.res_r)
                self.buf += chunk
                *lines, self.buf = self.buf.split(b"\n")
                for line in lines:
                    if not line.startswith(self.prefix):
                        continue
                    try:
                        rec = json.loads(line[len(self.prefix):])
                    except ValueError:
                        continue
                    progress = True
                    if type(rec) is dict and rec.get("t") == "end":
                        self._drain_shm(on_record)
                        on_progress()
                        res.ended, res.retire = True, rec.get("retire")
                        return res
                    if rec != {"t": "done"}:
                        on_record(rec)
                if not chunk and exited:
                    break
            if self.pidfd in ready:
                exited = True
                fds.remove(self.pidfd)
                deadline = min(deadline, time.monotonic() + 0.05)  # drain what it wrote before it died
                if self.res_r not in fds:
                    break
            if progress:
                on_progress()
                deadline = max(deadline, time.monotonic() + hard_timeout) if not exited else deadline
            if not fds or (fds == [self.out_r] and exited):
                break
        self._drain_shm(on_record)
        on_progress()
        res.output = out.decode("utf-8", "replace")
        self.close(res)
        return res

    def close(self, res=None):
        """Kill the judge and everything it left (its group and orphans; the zygote is spared) and reap it."""
        if not self.alive:
            return
        self.alive = False
        for fd in (self.job_w,):
            os.close(fd)
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _, status = os.waitpid(self.pid, 0)
        forkrun.sweep(self.pid, self.ctx.keep_pids)
        for fd in (self.res_r, self.out_r, self.pidfd):
            os.close(fd)
        self.shm.close()
        if res is not None and res.status != "killed":
            if os.WIFSIGNALED(status):
                res.status, res.signal = "crashed", os.WTERMSIG(status)
            else:
                res.status, res.exitcode = "exited", os.WEXITSTATUS(status)

    def tidy(self):
        """Between jobs: what the last job left in the scratch folder, /tmp, /dev/shm and orphans is removed, as
        after a judge per job."""
        forkrun.wipe(self.scratch)
        for d in self.ctx.wipe:
            forkrun.wipe(d, self.ctx.scratch_root)
        left = [p for p in forkrun.children_of_self() if p not in self.ctx.keep_pids and p != self.pid]
        for p in left:
            try:
                os.kill(p, signal.SIGKILL)
                os.waitpid(p, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
