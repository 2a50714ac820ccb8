"""Whole programs with stdin (the `program` kind, LiveCodeBench stdin tasks): both halves of one run.

Judge half, `run(ctx, src, stdin, ...)`: stdin goes in as a memfd (fd 0), stdout and stderr come back on pipes the
judge drains itself (fds 1 and 2), so the program's output is exactly what it wrote, kept whole up to a cap and
flagged `truncated` beyond it (never cut silently). The exit status, CPU time and peak RSS come from the zygote's
wait4 (the kernel's word, not the candidate's); wall time and the time limit are the judge's clock. The candidate
never receives expected outputs: comparisons happen in the judge (kinds/program.py).

Candidate half, `candidate_main`: a fresh candidate (own pid, mount and IPC namespaces, fresh /tmp) writes the
job's files into its cwd, caps its address space at its current size plus `memory_mb`, and runs the program as
`python3 main.py` would: `__name__ == "__main__"`, exit code from SystemExit, traceback on stderr and exit 1 on an
uncaught exception. What it reports (start, a MemoryError) only describes itself: a program that forges them can
only misreport its own run, which it could do by printing anyway.
"""
import atexit  # here, before the zygote forks: imported in each candidate's _finish it cost ≈ 40 page faults
import base64
import os
import select
import signal
import sys
import time

import wire

OUT_CAP = 32 << 20  # bytes of stdout kept by default
ERR_CAP = 1 << 20  # bytes of stderr kept
SETUP_SLACK_S = 3.0  # a candidate that has not started its program by then is a crash
DRAIN_S = 1.0  # after exit, how long to keep reading output its pipes still hold
FATAL_MEMORY = (b"MemoryError", b"Cannot allocate memory", b"out of memory")


class _Sink:
    """Bytes kept up to a cap; what goes past it is counted and dropped."""

    __slots__ = ("cap", "buf", "dropped")

    def __init__(self, cap):
        self.cap, self.buf, self.dropped = cap, bytearray(), 0

    def add(self, chunk):
        room = self.cap - len(self.buf)
        if room > 0:
            self.buf += chunk[:room]
        self.dropped += max(0, len(chunk) - max(room, 0))


_spare = None  # this judge's candidate for its next run, asked for ahead: (ticket, stdin memfd, stdout, stderr)


def _ask(ctx):
    """Ask the zygote for a program candidate with fresh stdio: a memfd as fd 0 (filled when the run starts;
    the candidate shares its offset, so rewinding it there is enough) and a pipe each for fds 1 and 2."""
    in_fd = os.memfd_create("stdin", os.MFD_CLOEXEC)
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    try:
        ticket = ctx.spawn_ahead("program", {}, {0: in_fd, 1: out_w, 2: err_w}, keep=True)
    except BaseException:
        for fd in (in_fd, out_r, err_r):
            os.close(fd)
        raise
    finally:
        os.close(out_w)
        os.close(err_w)
    return ticket, in_fd, out_r, err_r


def run(ctx, src, stdin="", timeout_s=2.0, memory_mb=None, files=None, out_cap=OUT_CAP, err_cap=ERR_CAP,
        fetch=None, ahead=False):
    """Run one program in a fresh candidate. Returns {status: ok|error|timeout|memory|crash, exit_code, signal,
    stdout, stderr, truncated, stderr_truncated, time_ms, cpu_ms, max_rss_kb}, and with `fetch` (relative
    paths) `files`: {path: base64} of those the program left in its cwd (missing ones are left out).
    `ahead`: the next run's candidate is asked for now and starts (clone, clean room) while this program runs;
    it outlives the job, so the next job's first run finds it ready too (jobs of concurrent /run_code requests
    are often one case long). Every run still gets a candidate no program has touched."""
    global _spare
    t0 = time.monotonic()
    spare, _spare = _spare, None
    ticket, in_fd, out_r, err_r = spare if spare is not None else _ask(ctx)
    try:
        pid, pidfd, sock = ctx.take(ticket)
    except BaseException:
        for fd in (in_fd, out_r, err_r):
            os.close(fd)
        raise
    try:
        if ahead:
            try:
                _spare = _ask(ctx)
            except OSError:
                _spare = None
        data = stdin.encode("utf-8", "surrogateescape") if isinstance(stdin, str) else bytes(stdin)
        view = memoryview(data)
        while view:
            view = view[os.write(in_fd, view):]
        os.lseek(in_fd, 0, os.SEEK_SET)
    finally:
        os.close(in_fd)
    t_spawned = time.monotonic()
    conn = wire.Conn(sock, ctx.max_frame)
    out, err = _Sink(out_cap), _Sink(err_cap)
    state = {"start": None, "end": None, "memory": False, "killed": False, "files": None}
    fetch = [f for f in (fetch or []) if type(f) is str]
    try:
        conn.send({"op": "program", "src": src, "files": files or {}, "memory_mb": memory_mb,
                   "cpu_s": int(timeout_s) + 1, "fetch": fetch, "fetch_cap": out_cap})
        _collect(conn, pidfd, pid, out_r, err_r, out, err, state, timeout_s)
        if fetch and state["files"] is None:
            _drain_files(conn, state)
    except (OSError, wire.WireError):
        _kill(pid)
    finally:
        for fd in (out_r, err_r, sock):
            os.close(fd)
    t_col = time.monotonic()
    select.select([pidfd], [], [], 5.0)
    os.close(pidfd)
    st = ctx.wait_candidate(pid)
    now = time.monotonic()
    _stat(ctx, "prog_spawned_ms", t_spawned - t0)
    if state["start"] is not None:
        _stat(ctx, "prog_setup_ms", state["start"] - t_spawned)
        _stat(ctx, "prog_run_ms", (state["end"] or t_col) - state["start"])
    _stat(ctx, "prog_drain_ms", t_col - (state["end"] or t_col))
    _stat(ctx, "prog_reap_ms", now - t_col)
    res = _result(st, out, err, state, now)
    if fetch:
        res["files"] = _fetched(state["files"], fetch)
    return res


def _stat(ctx, key, secs):
    ctx.stats[key] = ctx.stats.get(key, 0) + secs * 1000


def _drain_files(conn, state):
    """The files frame may still be buffered or queued behind the output the loop stopped for: read the
    candidate's last frames (it has exited or been killed, so the socket ends soon)."""
    deadline = time.monotonic() + DRAIN_S
    for _ in range(8):
        try:
            m = conn.recv(deadline)
        except (TimeoutError, wire.WireError):
            return
        if type(m) is dict and m.get("op") == "files":
            state["files"] = m.get("files")
            return


def _fetched(got, fetch):
    """The program's own files as it sent them: only names asked for, base64 strings (anything else dropped;
    a program could only misreport its own output)."""
    if type(got) is not dict:
        return {}
    return {k: v for k, v in got.items() if k in fetch and type(v) is str}


def _kill(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _collect(conn, pidfd, pid, out_r, err_r, out, err, state, timeout_s):
    t_spawn = time.monotonic()
    deadline = t_spawn + timeout_s + SETUP_SLACK_S
    fds = [out_r, err_r, conn.fd, pidfd]
    while out_r in fds or err_r in fds or pidfd in fds:
        left = deadline - time.monotonic()
        if left <= 0:
            if state["end"] is None:
                state["killed"] = state["start"] is not None
                _kill(pid)
                state["end"] = time.monotonic()
                deadline = state["end"] + DRAIN_S
                continue
            break
        ready = select.select(fds, [], [], left)[0]
        for fd, sink in ((out_r, out), (err_r, err)):
            if fd in ready:
                chunk = os.read(fd, 1 << 16)
                if chunk:
                    sink.add(chunk)
                else:
                    fds.remove(fd)
        if conn.fd in ready:
            try:
                m = conn.recv(time.monotonic() + 0.5)
            except (TimeoutError, wire.WireError):
                fds.remove(conn.fd)
                continue
            op = m.get("op") if type(m) is dict else None
            if op == "start" and state["start"] is None:
                state["start"] = time.monotonic()
                deadline = state["start"] + timeout_s
            elif op == "memory":
                state["memory"] = True
            elif op == "files" and state["files"] is None:
                state["files"] = m.get("files")
        if pidfd in ready:
            fds.remove(pidfd)
            if state["end"] is None:
                state["end"] = time.monotonic()
            deadline = min(deadline, state["end"] + DRAIN_S)  # everything it started died with its pid namespace


def _result(st, out, err, state, now):
    start = state["start"]
    end = state["end"] or now
    res = {"exit_code": None, "signal": None, "truncated": out.dropped > 0, "stderr_truncated": err.dropped > 0,
           "time_ms": round((end - start) * 1000, 3) if start is not None else 0.0,
           "cpu_ms": round((st.get("utime", 0.0) + st.get("stime", 0.0)) * 1000, 3),
           "max_rss_kb": int(st.get("maxrss", 0))}
    status = st.get("status")
    if status is None:
        res["status"] = "crash"
    elif os.WIFSIGNALED(status):
        res["signal"] = os.WTERMSIG(status)
    else:
        res["exit_code"] = os.WEXITSTATUS(status)
    tail = bytes(err.buf[-4096:])
    if state["killed"] or res["signal"] == signal.SIGXCPU:
        res["status"] = "timeout"
    elif start is None:
        res["status"] = "crash"
    elif state["memory"] or (res["exit_code"] != 0 and any(m in tail for m in FATAL_MEMORY)):
        res["status"] = "memory"
    elif res["signal"] is not None:
        res["status"] = "crash"
    else:
        res["status"] = "ok" if res["exit_code"] == 0 else "error"
    res["stdout"] = out.buf.decode("utf-8", "replace")
    res["stderr"] = err.buf.decode("utf-8", "replace")
    return res


# ---------------------------------------------------------------- the candidate half

def _write_files(files):
    root = os.getcwd()
    for name, b64 in files.items():
        path = os.path.normpath(os.path.join(root, name))
        if not path.startswith(root + os.sep):
            raise ValueError(f"file path outside the working directory: {name!r}")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(b64))


def _cap_memory(memory_mb, cpu_s):
    import resource

    if memory_mb:
        with open("/proc/self/statm") as f:
            vm = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = vm + int(memory_mb) * (1 << 20)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    want = int(cpu_s)
    if hard == resource.RLIM_INFINITY or want < hard:
        resource.setrlimit(resource.RLIMIT_CPU, (want, hard))


def _exit_code(e):
    code = e.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    try:
        sys.stderr.write(f"{code}\n")
    except Exception:  # noqa: BLE001, S110 - stderr gone: the code still says it failed
        pass
    return 1


def candidate_main(fds, arg):  # pragma: no cover - runs in a candidate
    """Entry `program`: fd 0 stdin, 1 stdout, 2 stderr, 3 the socket to the judge."""
    import builtins
    import traceback
    import types

    conn = wire.Conn(3)
    msg = conn.recv()
    if type(msg) is not dict or msg.get("op") != "program":
        return
    try:
        _write_files(msg.get("files") or {})
    except (OSError, ValueError) as e:
        os.write(2, f"coderm: cannot write the program's files: {e}\n".encode())
        os._exit(70)
    _cap_memory(msg.get("memory_mb"), msg.get("cpu_s", 60))
    # As `python3 main.py` with a pipe on each stream (UTF-8 mode: the environment is empty, so the C locale).
    sys.stdin = sys.__stdin__ = open(0, encoding="utf-8", errors="surrogateescape", closefd=False)  # noqa: SIM115
    sys.stdout = sys.__stdout__ = open(1, "w", encoding="utf-8", errors="surrogateescape", closefd=False)  # noqa: SIM115
    sys.stderr = sys.__stderr__ = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False,  # noqa: SIM115
                                       buffering=1)
    sys.argv = ["main.py"]
    main = types.ModuleType("__main__")
    main.__dict__["__builtins__"] = builtins
    if not hasattr(builtins, "exit"):  # site's exit()/quit() (the worker runs with -S)
        builtins.exit = builtins.quit = sys.exit
    sys.modules["__main__"] = main
    sys.setrecursionlimit(1000 + int(arg.get("_depth", 20)))
    conn.send({"op": "start"})
    code = 0
    try:
        exec(compile(msg["src"], "main.py", "exec", dont_inherit=True), main.__dict__)  # noqa: S102
    except SystemExit as e:
        code = _exit_code(e)
    except BaseException as e:  # noqa: BLE001 - what python would print, minus this frame
        if isinstance(e, MemoryError):
            try:
                conn.send({"op": "memory"})
            except BaseException:  # noqa: BLE001, S110
                pass
        try:
            traceback.print_exception(type(e), e, e.__traceback__.tb_next if e.__traceback__ else None)
        except BaseException:  # noqa: BLE001, S110
            pass
        code = 1
    code = _finish(code)
    if msg.get("fetch"):
        _send_files(conn, msg["fetch"], int(msg.get("fetch_cap") or OUT_CAP))
    os._exit(code)


def _send_files(conn, names, cap):  # pragma: no cover - runs in a candidate
    """SandboxFusion's fetch_files: after the program ends, the files it left at these paths (relative to its
    cwd), base64, up to `cap` bytes in all; a missing or unreadable file is left out, as SandboxFusion does."""
    root = os.getcwd()
    out, left = {}, cap
    for name in names:
        path = os.path.normpath(os.path.join(root, name))
        if not path.startswith(root + os.sep):
            continue
        try:
            with open(path, "rb") as f:
                data = f.read(left + 1)
        except (OSError, ValueError):
            continue
        if len(data) > left:
            break
        left -= len(data)
        out[name] = base64.b64encode(data).decode("ascii")
    try:
        conn.send({"op": "files", "files": out})
    except BaseException:  # noqa: BLE001, S110 - the judge is gone or the program broke the socket: no files
        pass


def _finish(code):  # pragma: no cover - runs in a candidate
    """Interpreter shutdown as far as a program can observe it: non-daemon threads joined, atexit run, streams
    flushed (a flush that fails is exit 120, as in CPython)."""
    try:
        threading = sys.modules.get("threading")
        if threading is not None:
            threading._shutdown()
        atexit._run_exitfuncs()
    except BaseException:  # noqa: BLE001, S110
        pass
    try:
        sys.stdout.flush()
    except BaseException:  # noqa: BLE001
        code = code or 120
    try:
        sys.stderr.flush()
    except BaseException:  # noqa: BLE001, S110
        pass
    return code
