"""Stand-alone server for the `labels` kind (ForkServerExecutor, the unisolated mode): reads
`{"id", "timeout", "job"}` lines on stdin and writes `{"id", "ok", ...}` lines on stdout.

Jobs run in a warm child forked from this server. The child serves job after job and exits as soon as a
job leaves the interpreter in a state that could change the next result (labels.py reports it as
`stopped`) or fails, or after MAX_JOBS; a job that outlives its timeout is killed with its child. A fork
costs 20-45 ms on these VMs once the child starts touching pages, more than a whole job of fast programs,
so forking once per job is what the labels of ~3,000 programs spent a fifth of their time on.

Not a plugin: the sandbox's kind loader skips files starting with "_".
"""

import gc
import importlib.util
import json
import os
import select
import signal
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# Python put this folder first on sys.path; its sibling kinds (e.g. unittest.py) must not shadow the
# standard library for candidates.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE]

MAX_JOBS = 200
_HEADER = struct.Struct(">Q")


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


labels = _load("coderm_kind_labels", os.path.join(HERE, "labels.py"))


def _write_frame(fd, data):
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def _read_exact(fd, n, deadline):
    """n bytes from fd; None at end of file; raises TimeoutError past the deadline (None: no deadline)."""
    chunks, got = [], 0
    while got < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _read_frame(fd, deadline=None):
    head = _read_exact(fd, _HEADER.size, deadline)
    if head is None:
        return None
    return _read_exact(fd, _HEADER.unpack(head)[0], deadline)


def _child(jobs_fd, results_fd):
    # Candidates must not write into the server's protocol through the inherited descriptors.
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.close(devnull)
    for n in range(MAX_JOBS):
        data = _read_frame(jobs_fd)
        if data is None:
            break
        try:
            payload = {"ok": True, "result": labels.run(json.loads(data))}
        except BaseException as e:  # noqa: BLE001 - reported with the job
            payload = {"ok": False, "error": f"{type(e).__name__}: {e}"}
        result = payload.get("result")
        stopped = isinstance(result, dict) and bool(result.get("stopped"))
        payload["warm"] = payload["ok"] and not stopped and n + 1 < MAX_JOBS
        _write_frame(results_fd, json.dumps(payload).encode())
        if not payload["warm"]:
            break
    os._exit(0)


class _Child:
    def __init__(self):
        jobs_r, self.jobs_w = os.pipe()
        self.results_r, results_w = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(self.jobs_w)
            os.close(self.results_r)
            _child(jobs_r, results_w)
        os.close(jobs_r)
        os.close(results_w)

    def end(self):
        for fd in (self.jobs_w, self.results_r):
            os.close(fd)
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)

    def call(self, job, timeout):
        """(reply, whether the child serves on)."""
        deadline = time.monotonic() + timeout
        try:
            _write_frame(self.jobs_w, json.dumps(job).encode())
            data = _read_frame(self.results_r, deadline)
        except TimeoutError:
            return {"ok": False, "error": "timeout"}, False
        except OSError:
            return {"ok": False, "error": "crash"}, False
        if data is None:
            return {"ok": False, "error": "crash"}, False
        reply = json.loads(data)
        return reply, bool(reply.pop("warm", False))


def main():
    # Like the sandbox worker: common modules imported and the heap frozen before forking, so children
    # neither import them per job nor copy pages the collector would otherwise touch.
    _load("_coderm_preload", os.path.join(os.path.dirname(HERE), "preload.py")).preload()
    labels._snapshot_modules()
    gc.collect()
    gc.freeze()
    child = None
    for line in sys.stdin:
        if not line.strip():
            continue
        msg = json.loads(line)
        if child is None:
            child = _Child()
        reply, warm = child.call(msg["job"], float(msg.get("timeout", 60)))
        if not warm:
            child.end()
            child = None
        reply["id"] = msg["id"]
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
    if child is not None:
        child.end()


if __name__ == "__main__":
    main()
