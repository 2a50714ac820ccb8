"""A sandbox worker: a warm, hardened fork server driven by JSON lines (one job in, result lines out).

Started by src/sandbox/worker.ts as `python3 -I -S worker.py '<options json>'` (inside bubblewrap when
available, as an unprivileged uid). Protocol on the original stdin/stdout:
  -> {"op": "job", "id": N, "kind": "unittest" | "assert" | <plugin>, "solution": str, "tests": [...], ...}
  <- {"op": "hello", ...} once; {"op": "result", "id": N, "key": K, "verdict": ..., ...} per test;
     {"op": "done", "id": N} when the job is finished.
Kinds are plugins: kinds/<kind>.py with run(job, ctx) (see src/sandbox/README.md).
"""
import gc
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import batch  # noqa: E402,F401 - imported before the fork so children share its pages
import forkrun  # noqa: E402
import guard  # noqa: E402,F401
import isolation  # noqa: E402
from preload import preload  # noqa: E402
import state  # noqa: E402,F401


def load_kinds():
    kinds = {}
    folder = os.path.join(HERE, "kinds")
    for fname in sorted(os.listdir(folder)):
        if fname.endswith(".py") and not fname.startswith("_"):
            name = fname[:-3]
            spec = importlib.util.spec_from_file_location(f"coderm_kind_{name}", os.path.join(folder, fname))
            mod = importlib.util.module_from_spec(spec)
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

    def send(self, obj):
        data = (json.dumps(obj, separators=(",", ":")) + "\n").encode()
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


_sol_cache = {}


def compile_solution(text):
    hit = _sol_cache.get(text)
    if hit is None:
        try:
            hit = (compile(text, "<solution>", "exec", dont_inherit=True), None)
        except (SyntaxError, ValueError) as e:
            hit = (None, batch.describe(e))
        if len(_sol_cache) > 5000:
            _sol_cache.clear()
        _sol_cache[text] = hit
    return hit


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


def handle(job, kinds, ctx, proto):
    jid = job.get("id")
    kind = kinds.get(job.get("kind", "unittest"))
    if kind is None:
        raise ValueError(f"unknown job kind {job.get('kind')!r}; have {sorted(kinds)}")
    if not getattr(kind, "PARENT_SIDE", False):
        call_in_child(kind, job, ctx, proto)
        return
    if "solution" in job:
        code, why = compile_solution(job["solution"])
        if code is None:
            for t in job["tests"]:
                proto.send({"op": "result", "id": jid, "key": t["key"], "verdict": "invalid", "cases": [], "ms": 0,
                            "stderr": why, "load_failure": True})
            return
        job["_solution_code"] = code
    ctx.emit = lambda rec: proto.send({"op": "result", "id": jid, **rec})
    ctx._beat = lambda: proto.send({"op": "beat", "id": jid})
    kind.run(job, ctx)


def main():
    opts = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    proto = Proto()
    kinds = load_kinds()
    scratch_root = tempfile.mkdtemp(prefix="coderm-")
    wipe = ("/tmp", "/dev/shm") if opts.get("private_tmp") else ()
    ctx = forkrun.Ctx(lambda rec: None, [proto.rfd, proto.wfd], scratch_root, opts.get("cpu_seconds", 60), wipe)
    preload()
    report = isolation.harden_process(opts)
    gc.collect()
    gc.freeze()  # children then touch fewer pages: fewer copy-on-write faults per fork
    proto.send({"op": "hello", "pid": os.getpid(), "python": sys.version.split()[0], "isolation": report,
                "kinds": sorted(kinds)})
    try:
        serve(proto, kinds, ctx)
    finally:
        shutil.rmtree(ctx.scratch_root, ignore_errors=True)  # on the host /tmp when there is no bubblewrap


def serve(proto, kinds, ctx):
    for line in proto.lines():
        try:
            job = json.loads(line)
        except ValueError as e:
            proto.send({"op": "error", "id": None, "message": f"bad job line: {e}"})
            continue
        if job.get("op") == "exit":
            break
        try:
            handle(job, kinds, ctx, proto)
        except Exception as e:  # noqa: BLE001 - report, keep serving
            proto.send({"op": "error", "id": job.get("id"), "message": f"{type(e).__name__}: {e}",
                        "trace": traceback.format_exc()[-2000:]})
        proto.send({"op": "done", "id": job.get("id"), "stats": ctx.stats})


if __name__ == "__main__":
    main()
