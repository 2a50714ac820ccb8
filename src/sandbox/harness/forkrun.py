"""The worker's fork core: run a function in a forked child (a judge, or a legacy child-side kind) and collect
what it reports.

A child reports through a private pipe dup'ed to a random high descriptor, each record framed with a per-child
random nonce; anything else the child writes (stdout, stderr) is only captured, capped, and never parsed as a
result. Candidates (the solutions) are not forked here: the zygote forks them (zygote.py).
"""
import io
import json
import traceback
import os
import random
import select
import shutil
import signal
import sys
import tempfile
import time

OUTPUT_CAP = 4096
_sysrand = random.SystemRandom()


def describe(e, limit=600):
    text = "".join(traceback.format_exception_only(type(e), e)).strip()
    return text[:limit]


class TimeoutException(Exception):
    """Raised by the per-pair alarm, like the reference's (an Exception, so user code can swallow it)."""


# A CPU-time alarm: (function giving the CPU seconds spent so far, the CPU limit, the wall-clock deadline).
_cpu_alarm = None


def _on_alarm(signum, frame):
    c = _cpu_alarm
    if c is not None:
        used = c[0]()
        left = c[1] - used if used is not None else 0.0
        wall = c[2] - time.monotonic()
        if left > 0 and wall > 0:
            # CPU time cannot run ahead of wall time for a process waiting on one other: the limit is not
            # reached before `left` more seconds of wall time.
            signal.setitimer(signal.ITIMER_REAL, max(min(left, wall), 0.002))
            return
    raise TimeoutException("Timed out!")


def arm_alarm(seconds, cpu=None, wall_s=None):
    """TimeoutException after `seconds` of wall time. With `cpu` (a function giving the CPU seconds spent so far,
    e.g. the judge's plus a candidate's), after `seconds` of that CPU time instead, or `wall_s` of wall time
    (default 10 x seconds), whichever comes first: checked when the wall timer runs out, re-armed for the
    CPU time left, so time spent waiting for a core does not count (labels on a loaded machine)."""
    global _cpu_alarm
    _cpu_alarm = None if cpu is None else (cpu, seconds, time.monotonic() + (wall_s if wall_s else 10 * seconds))
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))


def disarm_alarm():
    global _cpu_alarm
    signal.setitimer(signal.ITIMER_REAL, 0)
    _cpu_alarm = None


class CappedText(io.TextIOBase):
    """sys.stdout / sys.stderr inside a child: keeps the first `cap` characters, drops the rest cheaply."""

    def __init__(self, cap=OUTPUT_CAP):
        self.cap, self.parts, self.size = cap, [], 0

    def writable(self):
        return True

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        room = self.cap - self.size
        if room > 0:
            self.parts.append(s[:room])
            self.size += min(len(s), room)
        return len(s)

    def flush(self):
        pass

    def take(self):
        text = "".join(self.parts)
        self.parts, self.size = [], 0
        return text


class Channel:
    """The child's end of the private result pipe."""

    def __init__(self, fd, nonce):
        self._fd, self._nonce = fd, nonce

    def send(self, obj):
        data = (self._nonce + " " + json.dumps(obj, separators=(",", ":")) + "\n").encode()
        view = memoryview(data)
        while view:
            n = os.write(self._fd, view)
            view = view[n:]


class ChildOutcome:
    __slots__ = ("status", "exitcode", "signal", "done", "output", "elapsed", "records")

    def __init__(self):
        self.status, self.exitcode, self.signal, self.done = "exited", None, None, False
        self.output, self.elapsed, self.records = "", 0.0, 0

    @property
    def clean(self):
        return self.status == "exited" and self.exitcode == 0 and self.done


class Ctx:
    """What a job kind gets from the worker: isolation, forking, timers, and a way to emit results."""

    TimeoutException = TimeoutException
    arm_alarm = staticmethod(arm_alarm)
    disarm_alarm = staticmethod(disarm_alarm)

    def __init__(self, emit, proto_fds, scratch_root, cpu_seconds=30, wipe=()):
        self._emit = emit
        self._beat = lambda: None
        self._proto_fds = proto_fds
        self.scratch_root = scratch_root
        self.cpu_seconds = cpu_seconds
        self.wipe = tuple(wipe)
        self.stats = {"children": 0, "taints": 0, "child_ms": 0.0}
        self.calibrated = {}  # per-worker results of one-time probes (e.g. the recursion limit)
        self.keep_pids = set()  # children that outlive every job (the zygote)
        self._devnull = os.open(os.devnull, os.O_RDWR)
        self.stdout = CappedText()
        self.stderr = CappedText()

    def beat(self):
        """Tell the driver the job is alive (its watchdog counts silence)."""
        self._beat()

    def emit(self, record):
        """Send one result line to the driver (Node)."""
        self._emit(record)

    def run_child(self, child_main, hard_timeout, on_record=None):
        """Fork; in the child call child_main(chan, ctx); in the parent feed each record to on_record.

        The hard deadline restarts after every record, so a batch child is given `hard_timeout` per unit
        of work. Returns a ChildOutcome once the child and every process it left behind are gone.
        """
        res_r, res_w = os.pipe()
        out_r, out_w = os.pipe()
        nonce = os.urandom(12).hex()
        scratch = self._scratch()
        t0 = time.monotonic()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - child
            self._child(child_main, res_r, res_w, out_r, out_w, nonce, scratch)
        os.close(res_w)
        os.close(out_w)
        outcome = ChildOutcome()
        try:
            self._collect(pid, res_r, out_r, nonce, hard_timeout, on_record, outcome)
        finally:
            os.close(res_r)
            os.close(out_r)
            sweep(pid, self.keep_pids)
            self._clean_scratch(scratch)
            for d in self.wipe:
                _wipe(d, self.scratch_root)
        outcome.elapsed = time.monotonic() - t0
        self.stats["children"] += 1
        self.stats["child_ms"] += outcome.elapsed * 1000
        return outcome

    def _scratch(self):
        # One scratch dir per worker, emptied after every child (an empty dir is as good as a new one).
        path = os.path.join(self.scratch_root, "scratch")
        if not os.path.isdir(path):
            os.mkdir(path, 0o700)
        return path

    def _clean_scratch(self, path):
        try:
            os.chmod(path, 0o700)
            if not os.listdir(path):
                return
        except OSError:
            pass
        shutil.rmtree(path, ignore_errors=True)
        if os.path.exists(path):  # something we cannot remove: use a fresh name from now on
            self.scratch_root = tempfile.mkdtemp(prefix="coderm-", dir=os.path.dirname(self.scratch_root))

    def _collect(self, pid, res_r, out_r, nonce, hard_timeout, on_record, outcome):
        pidfd = os.pidfd_open(pid)
        prefix = nonce.encode() + b" "
        buf, out = b"", bytearray()
        deadline = time.monotonic() + hard_timeout
        fds = [res_r, out_r, pidfd]
        exited = False
        try:
            while True:
                wait = deadline - time.monotonic()
                if wait <= 0:
                    if not exited:
                        os.kill(pid, signal.SIGKILL)
                        outcome.status = "killed"
                    break
                ready, _, _ = select.select(fds, [], [], wait)
                if out_r in ready:
                    chunk = os.read(out_r, 65536)
                    if not chunk:
                        fds.remove(out_r)
                    elif len(out) < OUTPUT_CAP:
                        out += chunk[: OUTPUT_CAP - len(out)]
                if res_r in ready:
                    chunk = os.read(res_r, 65536)
                    if not chunk:
                        fds.remove(res_r)
                    buf += chunk
                    *lines, buf = buf.split(b"\n")
                    for line in lines:
                        if not line.startswith(prefix):
                            continue
                        try:
                            rec = json.loads(line[len(prefix):])
                        except ValueError:
                            continue
                        outcome.records += 1
                        if rec == {"t": "done"}:
                            outcome.done = True
                        elif on_record is not None:
                            on_record(rec)
                        deadline = time.monotonic() + hard_timeout
                    if not chunk and exited:
                        break
                if pidfd in ready:
                    exited = True
                    fds.remove(pidfd)
                    # Drain what the child wrote before it died; leftover grandchildren may hold the pipe.
                    deadline = min(deadline, time.monotonic() + 0.05)
                    if res_r not in fds:
                        break
                if not fds or fds == [out_r] and exited:
                    break
        finally:
            os.close(pidfd)
        _, status = os.waitpid(pid, 0)
        if outcome.status != "killed":
            if os.WIFSIGNALED(status):
                outcome.status, outcome.signal = "crashed", os.WTERMSIG(status)
            else:
                outcome.exitcode = os.WEXITSTATUS(status)
                outcome.status = "exited"
        outcome.output = out.decode("utf-8", "replace")

    def _child(self, child_main, res_r, res_w, out_r, out_w, nonce, scratch, cpu_seconds=None):  # pragma: no cover
        try:
            os.setpgid(0, 0)
            from isolation import PR_SET_PDEATHSIG, prctl

            prctl(PR_SET_PDEATHSIG, 9)
            os.close(res_r)
            os.close(out_r)
            for fd in self._proto_fds:
                os.close(fd)
            fd = _sysrand.randrange(300, 1000)
            os.dup2(res_w, fd, inheritable=False)
            os.close(res_w)
            os.dup2(self._devnull, 0)
            os.dup2(out_w, 1)
            os.dup2(out_w, 2)
            os.close(out_w)
            os.close(self._devnull)
            os.chdir(scratch)
            import resource

            cpu = cpu_seconds or self.cpu_seconds
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
            sys.stdin = open(os.devnull)  # noqa: SIM115 - like multiprocessing: input() raises EOFError
            sys.stdout, sys.stderr = self.stdout, self.stderr
            chan = Channel(fd, nonce)
            child_main(chan, self)
            disarm_alarm()
            chan.send({"t": "done"})
            os._exit(0)
        except BaseException as e:  # noqa: BLE001 - anything escaping the kind is a harness failure
            try:
                os.write(2, f"harness child: {type(e).__name__}: {e}\n".encode())
            finally:
                os._exit(70)


def children_of_self():
    return _children_of_self()


def wipe(folder, keep=None):
    _wipe(folder, keep)


def _wipe(folder, keep):
    """Remove what a child left in a folder private to this worker (files would outlive the pair)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for n in names:
        p = os.path.join(folder, n)
        if p == keep:
            continue
        if os.path.isdir(p) and not os.path.islink(p):
            shutil.rmtree(p, ignore_errors=True)
        else:
            try:
                os.unlink(p)
            except OSError:
                pass


def _children_of_self():
    try:
        with open(f"/proc/self/task/{os.getpid()}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def sweep(pid, keep=()):
    """Kill the child's group and every orphan it left (they are re-parented to us: we are a subreaper);
    `keep` (the zygote) is spared."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    for _ in range(10000):
        left = [p for p in _children_of_self() if p not in keep]
        for p in left:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        reaped = False
        for p in left:
            try:
                got, _ = os.waitpid(p, os.WNOHANG)
            except ChildProcessError:
                got = p
            reaped = reaped or bool(got)
        if not left and not reaped:
            return
        if left and not reaped:
            time.sleep(0.001)
