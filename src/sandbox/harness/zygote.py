"""The zygote: a clean, warm interpreter that forks candidates and never holds pair data.

Forked by the worker at start (after preload and gc.freeze, before the worker's seccomp and before any job).
It enters a user namespace of its own (so it may create the others) with new net, uts and mount namespaces,
covers /share and /harness with empty read-only tmpfs, and then only answers requests on a SOCK_SEQPACKET
control socket:
  {"op": "spawn", "id", "entry", "arg", "targets": [fd numbers], "reap": [pids]} + the descriptors (SCM_RIGHTS)
     -> {"id", "pid"} + a pidfd of the new candidate, or {"id", "error"}
  {"op": "sweep", "id"} -> kills every candidate and reaps it -> {"id", "swept": n}
  {"op": "wait", "id", "pid"} -> reaps that (exited) candidate -> {"id", "status", "utime", "stime", "maxrss"}
Each candidate is cloned into new pid, mount and IPC namespaces (it is pid 1 of its own pid namespace, so when it
dies the kernel kills everything it started), then runs candidate.setup() and the entry. A solution reaches the
zygote only as text on the candidate's own socket, which the zygote never reads.
"""
import array
import fcntl
import json
import os
import signal
import socket

import candidate
import isolation
import wire

NS_ZYGOTE = isolation.CLONE_NEWUSER | isolation.CLONE_NEWNET | isolation.CLONE_NEWUTS | isolation.CLONE_NEWNS
NS_CANDIDATE = isolation.CLONE_NEWPID | isolation.CLONE_NEWNS | isolation.CLONE_NEWIPC
COVER = ("/share", "/harness")


def enter_namespaces(bwrap):
    """Returns (ok, why)."""
    uid, gid = os.getuid(), os.getgid()
    try:
        isolation.unshare(NS_ZYGOTE)
        isolation.map_ids(uid, gid)
        isolation.mount(None, "/", None, isolation.MS_REC | isolation.MS_PRIVATE)
    except OSError as e:
        return False, f"no namespaces for candidates: {e}"
    covered = []
    if bwrap:
        for d in COVER:
            if os.path.isdir(d):
                try:
                    isolation.mount("none", d, "tmpfs", isolation.MS_RDONLY | isolation.MS_NOSUID | isolation.MS_NODEV,
                                    "size=4k,mode=555")
                    covered.append(d)
                except OSError as e:
                    return False, f"cannot cover {d}: {e}"
    return True, "user, pid, net, ipc, uts, mount namespaces per candidate; fresh /tmp, /dev/shm, /proc" + (
        f"; {', '.join(covered)} covered" if covered else "")


def main(ctl, opts):
    """Never returns. `ctl`: the zygote's end of the control socket (SOCK_SEQPACKET)."""
    try:
        os.environ.clear()
        for fd in range(3, 1024):
            if fd != ctl:
                try:
                    os.close(fd)
                except OSError:
                    pass
        isolation.prctl(isolation.PR_SET_PDEATHSIG, 9)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        ok, why = enter_namespaces(opts.get("bwrap", False)) if opts.get("namespaces", True) else (False, "disabled")
        isolation.prctl(isolation.PR_SET_DUMPABLE, 0)  # after the uid map: /proc/self/*_map need a dumpable writer
        sock = socket.socket(fileno=ctl)
        sock.send(json.dumps({"op": "zygote", "ok": ok, "why": why, "pid": os.getpid()}).encode())
        cand_opts = {"ns": ok, "limits": opts.get("candidate_limits", {}), "tmp_mb": opts.get("tmp_mb", 64),
                     "seccomp": opts.get("seccomp", True), "scratch": opts.get("scratch", "/tmp")}
        if ok:
            # Done once here instead of in every candidate (≈ 0.4 ms each for the 41 prctl calls and the filter
            # build): the bounding set is inherited, and every candidate is pid 1 of its own pid namespace.
            isolation.drop_bounding_set()
            cand_opts["bounding_dropped"] = isolation.bounding_set_empty()
            if os.uname().machine == "x86_64":
                cand_opts["seccomp_built"] = (1, isolation.Prepared(*isolation.build_filter(own_pid=1)))
        serve(sock, cand_opts)
    except BaseException:  # noqa: BLE001 - the worker sees the socket close and reports it
        import traceback

        os.write(2, f"coderm zygote: {traceback.format_exc()[-1500:]}\n".encode())
    os._exit(0)


def serve(sock, cand_opts):
    children = set()
    due = set()  # killed candidates not reaped yet
    flags = NS_CANDIDATE if cand_opts["ns"] else 0
    while True:
        try:
            msg, anc, _, _ = sock.recvmsg(1 << 16, socket.CMSG_SPACE(16 * 4))
        except InterruptedError:
            continue
        if not msg:
            break
        fds = wire.received_fds(anc)
        try:
            req = json.loads(msg)
        except ValueError:
            for fd in fds:
                os.close(fd)
            continue
        rid = req.get("id")
        # A killed candidate may still be tearing down when its reap is asked for: it stays due and is tried
        # again with every request until reaped (a long-lived judge sends no sweep, so nothing else would).
        due.update(pid for pid in req.get("reap", ()) if pid in children)
        for pid in list(due):
            if _reap(pid, children):
                due.discard(pid)
        if req.get("op") == "sweep":
            for fd in fds:
                os.close(fd)
            n = len(children)
            for pid in list(children):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            for pid in list(children):
                _reap(pid, children, block=True)
            due.clear()
            sock.send(json.dumps({"id": rid, "swept": n}).encode())
            continue
        if req.get("op") == "wait":
            for fd in fds:
                os.close(fd)
            sock.send(json.dumps({"id": rid, **_wait(req.get("pid"), children)}).encode())
            continue
        if req.get("op") != "spawn":
            for fd in fds:
                os.close(fd)
            sock.send(json.dumps({"id": rid, "error": "unknown op"}).encode())
            continue
        targets = req.get("targets", [])
        if len(targets) != len(fds):
            for fd in fds:
                os.close(fd)
            sock.send(json.dumps({"id": rid, "error": "descriptor count mismatch"}).encode())
            continue
        try:
            pid = isolation.clone_fork(flags) if flags else os.fork()
        except OSError as e:
            for fd in fds:
                os.close(fd)
            sock.send(json.dumps({"id": rid, "error": str(e)}).encode())
            continue
        if pid == 0:  # pragma: no cover - the candidate
            _child(sock.fileno(), dict(zip(targets, fds)), req.get("entry"), req.get("arg") or {}, cand_opts)
        for fd in fds:
            os.close(fd)
        children.add(pid)
        try:
            pidfd = os.pidfd_open(pid)
        except OSError as e:
            sock.send(json.dumps({"id": rid, "error": f"pidfd: {e}"}).encode())
            continue
        sock.sendmsg([json.dumps({"id": rid, "pid": pid, "u": usage()}).encode()],
                     [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [pidfd]))])
        os.close(pidfd)


# CPU of the candidates reaped so far (user + system, ms) and their count, and the zygote's own: sent with every
# spawn reply, so Sandbox.stats can say what a candidate costs in CPU whatever the load (wall times inflate).
USAGE = {"n": 0, "cpu_ms": 0.0}


def _count(ru):
    USAGE["n"] += 1
    USAGE["cpu_ms"] += (ru.ru_utime + ru.ru_stime) * 1000


def usage():
    t = os.times()
    return [USAGE["n"], round(USAGE["cpu_ms"], 3), round((t.user + t.system) * 1000, 3)]


def _wait(pid, children):
    """The exit status and resource use of a candidate that has exited (the judge saw its pidfd ready)."""
    if pid not in children:
        return {"error": "not a candidate of this zygote"}
    try:
        _, status, ru = os.wait4(pid, 0)
    except ChildProcessError:
        children.discard(pid)
        return {"error": "already reaped"}
    children.discard(pid)
    _count(ru)
    return {"status": status, "utime": ru.ru_utime, "stime": ru.ru_stime, "maxrss": ru.ru_maxrss}


def _reap(pid, children, block=False):
    """True once the candidate is gone (reaped now or before)."""
    try:
        got, _, ru = os.wait4(pid, 0 if block else os.WNOHANG)
    except ChildProcessError:
        got, ru = pid, None
    if got:
        children.discard(pid)
        if ru is not None:
            _count(ru)
    return bool(got)


def _child(ctl, fdmap, entry, arg, cand_opts):  # pragma: no cover - runs in the candidate
    try:
        os.close(ctl)
        # Move the passed descriptors to their places via high numbers, so no target is clobbered.
        staged = {}
        for target, fd in fdmap.items():
            staged[target] = fcntl.fcntl(fd, fcntl.F_DUPFD, 200)
            os.close(fd)
        null = os.open(os.devnull, os.O_RDWR)
        for std in (0, 1, 2):
            if std not in staged:
                os.dup2(null, std)
        for target, fd in staged.items():
            os.dup2(fd, target)
            os.close(fd)
        # One close_range(2) per gap between the kept descriptors: a close() per number with its OSError cost
        # every candidate ≈ 1.2 ms of CPU.
        lo = 3
        for fd in sorted(set(staged) | {0, 1, 2}):
            if fd >= lo:
                os.closerange(lo, min(fd, 1024))
                lo = fd + 1
        os.closerange(lo, 1024)
        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGALRM):
            signal.signal(s, signal.SIG_DFL)
        arg["_depth"] = wire.frame_depth() + 1  # the entry's frame (measured before the audit hook exists)
        candidate.setup(cand_opts)
        fn = candidate.ENTRIES.get(entry)
        if fn is None:
            os._exit(71)
        fn(sorted(staged), arg)
        os._exit(0)
    except BaseException:  # noqa: BLE001 - a candidate that cannot start just ends: its judge sees the socket close
        os._exit(70)
