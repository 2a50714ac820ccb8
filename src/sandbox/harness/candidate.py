"""The candidate process: holds one solution and nothing else, and serves the judge's calls on one socket.

Forked (cloned) by the zygote into fresh pid, mount and IPC namespaces, it first makes itself a clean room
(`setup`: tmpfs /tmp and /dev/shm, its own /proc, cwd in /tmp, rlimits, non-dumpable, no capabilities, seccomp,
audit hook), then reads the solution text from its socket, loads it, and answers requests until the socket
closes. Every value it sends is untrusted by the judge; nothing here decides a verdict.
"""
import base64
import builtins
import io
import marshal
import os
import sys
import time
import types

import isolation
import program
import wire

_real_print = builtins.print
_UNSET_ARG = object()
_real_input = builtins.input
_FunctionType, _BuiltinType, _MethodType = types.FunctionType, types.BuiltinFunctionType, types.MethodType
OUTPUT_CAP = 1 << 20  # characters of captured output kept per call and stream
# The reference executes solution code from a test method with 963 frames to spare (bench/reference_exec.py);
# a call here gets the same headroom above the frame it runs in.
CALL_HEADROOM = 963 + 1


# ---------------------------------------------------------------- the clean room

def setup(opts):
    """Runs first in every candidate, before any untrusted code. `opts`: ns (bool: we are in fresh namespaces
    with the zygote's capabilities), limits (address_space, file_size, nproc, cpu_seconds), tmp_mb."""
    if opts.get("ns"):
        size = f"size={int(opts.get('tmp_mb', 64))}m,mode=1777"
        flags = isolation.MS_NOSUID | isolation.MS_NODEV
        isolation.mount("none", "/tmp", "tmpfs", flags, size)
        isolation.mount("none", "/dev/shm", "tmpfs", flags, size)
        isolation.mount("proc", "/proc", "proc", flags | isolation.MS_NOEXEC)
        os.chdir("/tmp")
    else:
        os.chdir(opts["scratch"])
    lim = opts.get("limits", {})
    isolation.set_rlimits(lim.get("address_space"), lim.get("file_size"), lim.get("nproc"))
    import resource

    cpu = int(lim.get("cpu_seconds", 60))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    isolation.prctl(isolation.PR_SET_DUMPABLE, 0)
    isolation.prctl(isolation.PR_SET_PDEATHSIG, 9)
    if opts.get("ns"):
        # With bounding_dropped the zygote emptied its bounding set (verified there); children inherit it.
        isolation.drop_capabilities(bounding=not opts.get("bounding_dropped"))
    if opts.get("seccomp", True):
        own, built = os.getpid(), opts.get("seccomp_built")
        isolation.install_seccomp(own_pid=own, built=built[1] if built and built[0] == own else None)
    install_audit_hook()


# Audit events refused once the solution may run (PEP 578; a second layer under seccomp and the namespaces).
# Frame attributes (tb_frame, gi_frame, __code__) stay allowed: typing.NamedTuple and dataclasses read them.
_DENY_EVENTS = frozenset({
    "os.fork", "os.forkpty", "os.posix_spawn", "os.exec", "os.spawn", "os.system", "subprocess.Popen",
    "ctypes.dlopen", "ctypes.dlsym", "ctypes.dlsym/handle", "ctypes.cdata", "ctypes.cdata/buffer",
    "ctypes.addressof", "ctypes.string_at", "ctypes.wstring_at",
    "gc.get_objects", "gc.get_referrers", "gc.get_referents",
    "sys.settrace", "sys.setprofile", "sys._current_frames", "sys.addaudithook",
    "code.__new__", "cpython._PySys_ClearAuditHooks", "cpython.run_command",
})
class AuditDenied(RuntimeError):
    pass


def install_audit_hook():
    deny, harness = _DENY_EVENTS, os.path.dirname(os.path.abspath(__file__)) + os.sep

    def hook(event, args):
        if event in deny:
            raise AuditDenied(f"{event} is not allowed in the sandbox")
        if event == "sys._getframe" and args and str(
                getattr(getattr(args[0], "f_code", None), "co_filename", "")).startswith(harness):
            raise AuditDenied("frames of the harness are not reachable")

    sys.addaudithook(hook)


# ---------------------------------------------------------------- captured stdout / stderr, stdin from the judge

class Capture(io.TextIOBase):
    """sys.stdout / sys.stderr of a call: text (and, when the judge can observe printing, print calls) queued
    as events that travel with the next message to the judge."""

    def __init__(self, peer, tag):
        self.peer, self.tag, self.size = peer, tag, 0

    def writable(self):
        return True

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        p = self.peer
        if self.tag == "o" and not p.io_mode:
            return len(s)
        room = OUTPUT_CAP - self.size
        if room > 0 and s:
            piece = s[:room]
            self.size += len(piece)
            ev = p.events
            if ev and ev[-1][0] == self.tag:
                ev[-1][1] += piece
            else:
                ev.append([self.tag, piece])
        return len(s)

    def flush(self):
        pass

    def isatty(self):
        return False


def _print(*args, sep=_UNSET_ARG, end=_UNSET_ARG, file=None, flush=False):
    p = _PEER
    out, err = sys.stdout, sys.stderr
    if p is not None and p.io_mode and (file is None or file is out or file is err):
        if sep is not _UNSET_ARG and sep is not None and not isinstance(sep, str):
            raise TypeError(f"sep must be None or a string, not {type(sep).__name__}")
        if end is not _UNSET_ARG and end is not None and not isinstance(end, str):
            raise TypeError(f"end must be None or a string, not {type(end).__name__}")
        shown = []
        for a in args:
            t = type(a)
            shown.append(a if t is int or t is str or t is float or t is bool or a is None else {"S": str(a)})
        kw = {}  # only what the call passed: a mocked print in the test sees the same call
        if sep is not _UNSET_ARG:
            kw["sep"] = sep
        if end is not _UNSET_ARG:
            kw["end"] = end
        if file is not None:
            kw["file"] = "e" if file is err and file is not out else "o"
        if flush:
            kw["flush"] = True
        cap = err if kw.get("file") == "e" else out
        if isinstance(cap, Capture):
            cap.size += sum(len(x) if type(x) is str else len(x["S"]) if type(x) is dict else 8 for x in shown)
            if cap.size > OUTPUT_CAP:
                return None
        p.events.append(["p", shown, kw])
        return None
    return _real_print(*args, sep=" " if sep is _UNSET_ARG else sep, end="\n" if end is _UNSET_ARG else end,
                       file=file, flush=flush)


def _input(prompt=""):
    p = _PEER
    if p is None:
        return _real_input(prompt)
    return p.remote({"op": "stdin", "m": "input", "a": [str(prompt)]})


class JudgeStdin(io.TextIOBase):
    """sys.stdin: reads are served by the judge's current sys.stdin (so the test's mock.patch applies)."""

    def readable(self):
        return True

    def _ask(self, m, *a):
        return _PEER.remote({"op": "stdin", "m": m, "a": list(a)})

    def read(self, size=-1):
        return self._ask("read", size)

    def readline(self, size=-1):
        return self._ask("readline", size)

    def readlines(self, hint=-1):
        return self._ask("readlines", hint)

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def isatty(self):
        return False

    def fileno(self):
        raise io.UnsupportedOperation("fileno")


# ---------------------------------------------------------------- proxies for the judge's objects

class JudgeError(Exception):
    """A judge object that cannot be used here."""


class _Stand:
    """Exception classes of the judge side (builtin ones travel as themselves)."""

    cache = {}


def _standin(meta):
    key = (meta.get("m"), meta.get("n"), tuple(meta.get("b") or ()))
    cls = _Stand.cache.get(key)
    if cls is None:
        bases = _bases_for(meta.get("b") or ["Exception"])
        try:
            cls = type(str(meta.get("n") or "Error"), bases, {"__module__": str(meta.get("m") or "judge")})
        except TypeError:
            cls = type(str(meta.get("n") or "Error"), bases[:1], {"__module__": str(meta.get("m") or "judge")})
        _Stand.cache[key] = cls
    return cls


def _bases_for(names):
    found = [wire._EXC_BUILTINS[n] for n in names if n in wire._EXC_BUILTINS]
    keep = []
    for c in found:
        if not any(issubclass(k, c) for k in keep):
            keep.append(c)
    return tuple(keep) or (Exception,)


class JudgeProxy:
    """A judge-side object: attribute reads/writes, calls and protocol operations go to the judge."""

    __slots__ = ("_hid", "_meta", "__weakref__")

    def __init__(self, hid, meta):
        object.__setattr__(self, "_hid", hid)
        object.__setattr__(self, "_meta", meta)

    def __getattr__(self, name):
        return _PEER.remote({"op": "getattr", "o": self._hid, "n": name})

    def __setattr__(self, name, value):
        _PEER.remote({"op": "setattr", "o": self._hid, "n": name, "v": _PEER.encode(value)})

    def __delattr__(self, name):
        _PEER.remote({"op": "delattr", "o": self._hid, "n": name})

    def __call__(self, *args, **kwargs):
        return _PEER.call_remote(self._hid, args, kwargs)

    def _op(self, name, *a):
        return _PEER.remote({"op": "op", "o": self._hid, "n": name, "a": _PEER.encode(list(a))})

    def __len__(self):
        return self._op("len")

    def __iter__(self):
        return self._op("iter")

    def __next__(self):
        return self._op("next")

    def __getitem__(self, k):
        return self._op("getitem", k)

    def __setitem__(self, k, v):
        self._op("setitem", k, v)

    def __delitem__(self, k):
        self._op("delitem", k)

    def __contains__(self, k):
        return self._op("contains", k)

    def __str__(self):
        return self._op("str")

    def __repr__(self):
        return self._op("repr")

    def __bool__(self):
        return self._op("bool") if self._meta.get("b") else True

    def __eq__(self, other):
        if not self._meta.get("eq"):
            return self is other
        return self._op("eq", other)

    def __ne__(self, other):
        r = self.__eq__(other)
        return r if r is NotImplemented else not r

    def __lt__(self, other):
        return self._op("lt", other)

    def __le__(self, other):
        return self._op("le", other)

    def __gt__(self, other):
        return self._op("gt", other)

    def __ge__(self, other):
        return self._op("ge", other)

    def __hash__(self):
        return object.__hash__(self)

    def __instancecheck__(self, obj):
        return _PEER.remote({"op": "op", "o": self._hid, "n": "isinstance", "a": _PEER.encode([obj])})

    def __mro_entries__(self, bases):
        raise TypeError("a class of the test cannot be subclassed by the solution")


class LazyName:
    """A global the solution uses but does not define: resolved by the judge at first use (LeetCode-style
    classes such as ListNode defined by the test), as the shared namespace of the reference would."""

    __slots__ = ("_name", "_got")

    def __init__(self, name):
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_got", _UNSET)

    def _v(self):
        got = self._got
        if got is _UNSET or (type(got) is JudgeProxy and _PEER.handles.proxies.get(got._hid) is not got):  # stale after a pair
            got = _PEER.remote({"op": "name", "n": self._name})
            object.__setattr__(self, "_got", got)
        return got

    def __getattr__(self, name):
        return getattr(self._v(), name)

    def __setattr__(self, name, value):
        setattr(self._v(), name, value)

    def __call__(self, *a, **k):
        return self._v()(*a, **k)

    def __instancecheck__(self, obj):
        return isinstance(obj, self._v())

    def __subclasscheck__(self, cls):
        return issubclass(cls, self._v())

    def __getitem__(self, k):
        return self._v()[k]

    def __eq__(self, other):
        return self._v() == other

    def __hash__(self):
        return hash(self._v())

    def __repr__(self):
        return repr(self._v())

    def __mro_entries__(self, bases):
        return (self._v(),)


_UNSET = object()


# ---------------------------------------------------------------- the peer (requests both ways)

_PEER = None


class CandidatePeer:
    def __init__(self, conn):
        self.conn = conn
        self.handles = wire.Handles()
        self.encode = wire.make_encoder(self.handles, self.describe, self.proxy_id)
        self.decode = wire.make_decoder(self.handles, self.make_proxy)
        self.io_mode = 0
        self.events = []
        self._meth = {}

    # what a candidate object looks like to the judge
    def describe(self, x):
        if isinstance(x, type) or type(x) is _BuiltinType:
            ref = wire.stdlib_ref(x)
            if ref is not None:
                return {"k": "ref", "m": ref[0], "n": ref[1]}
        if isinstance(x, type):
            meta = {"k": "cls", "n": str(getattr(x, "__name__", "?")), "m": str(getattr(x, "__module__", "?"))}
            if issubclass(x, BaseException):
                meta["e"] = wire.builtin_bases(x)
            return meta
        if isinstance(x, types.ModuleType):
            return {"k": "mod", "n": str(x.__name__)}
        t = type(x)
        if t is _FunctionType or t is _BuiltinType or t is _MethodType:
            return {"k": "fn", "n": str(getattr(x, "__name__", "?"))}
        if hasattr(t, "__next__"):
            return {"k": "it", "n": t.__name__}
        meth = self._meth.get(t)
        if meth is None:
            names = set()
            for c in t.__mro__[:-1]:
                for k, v in vars(c).items():
                    if not k.startswith("_") and isinstance(v, (_FunctionType, staticmethod, classmethod)):
                        names.add(k)
            meth = sorted(names)
            self._meth[t] = meth
        return {"k": "obj", "n": t.__name__, "cls": self.handles.export(t), "meth": meth, "call": callable(x)}

    def proxy_id(self, x):
        t = type(x)
        if t is JudgeProxy:
            return x._hid
        if t is LazyName:
            got = x._v()
            return got._hid if type(got) is JudgeProxy else None
        return None

    def make_proxy(self, hid, meta):
        k = meta.get("k")
        if k == "mod" or k == "ref":
            import importlib

            try:
                mod = importlib.import_module(str(meta.get("m") if k == "ref" else meta.get("n")))
                return mod if k == "mod" else getattr(mod, str(meta.get("n")))
            except (ImportError, AttributeError, ValueError):
                pass
        return JudgeProxy(hid, meta)

    def exc_meta(self, e):
        t = type(e)
        meta = {"n": t.__name__, "m": str(getattr(t, "__module__", "?")), "b": wire.builtin_bases(t),
                "s": wire.exc_text(e), "a": None, "cls": self.handles.export(t)}
        try:
            meta["a"] = self.encode(list(e.args))
        except BaseException:  # noqa: BLE001 - args that cannot travel: the message does
            meta["a"] = None
        return meta

    def raise_from(self, meta):
        n = meta.get("n")
        cls = wire._EXC_BUILTINS.get(n) if meta.get("m") == "builtins" else None
        if cls is None:
            cls = _standin(meta)
        args = self.decode(meta["a"]) if meta.get("a") is not None else [meta.get("s", "")]
        try:
            exc = cls(*args)
        except BaseException:  # noqa: BLE001
            exc = cls(meta.get("s", ""))
        raise exc

    # requests to the judge
    def send(self, msg):
        if self.events:
            msg["io"] = self.events
            self.events = []
        self.conn.send(msg)

    def remote(self, msg):
        """Ask the judge; serve its nested requests meanwhile; return the decoded value or raise."""
        self.send(msg)
        return self._until_reply()

    def call_remote(self, hid, args, kwargs):
        track = []
        a = self.encode(list(args), track=track)
        msg = {"op": "call", "f": hid, "a": a}
        if kwargs:
            msg["k"] = self.encode(kwargs)
        obs = [i for i, x in enumerate(args) if type(x) in _MUTABLE or type(x) is tuple]
        if obs:
            msg["ob"] = obs
        self.send(msg)
        return self._until_reply(track if obs else None)

    def _until_reply(self, origin=None):
        while True:
            m = self.conn.recv()
            op = m.get("op")
            if op == "ret":
                if "v" not in m:
                    return None
                if origin is not None and m.get("cb"):
                    return self.decode(m["v"], origin=origin)[0]
                return self.decode(m["v"])
            if op == "raise":
                self.raise_from(m["e"])
            self.serve_one(m)

    # requests from the judge
    def serve_one(self, m):
        op = m.get("op")
        h = getattr(self, "op_" + str(op), None)
        if h is None:
            self.send({"op": "raise", "e": self.exc_meta(wire.WireError(f"unknown op {op!r}"))})
            return
        self.io_mode = m.get("pm", self.io_mode)
        if m.get("ep"):
            self.handles.epoch()
        try:
            reply = h(m)
        except wire.WireError:
            raise
        except BaseException as e:  # noqa: BLE001 - the solution's exceptions travel to the judge
            reply = {"op": "raise", "e": self.exc_meta(e)}
        self.send(reply)

    def _obj(self, hid):
        if hid not in self.handles.own:
            raise wire.WireError(f"unknown handle {hid}")
        return self.handles.own[hid]

    def _invoke(self, fn, m):
        track = []
        args = self.decode(m.get("a", []), track=track)
        kwargs = self.decode(m["k"]) if "k" in m else {}
        result = fn(*args, **kwargs)
        obs = m.get("ob")
        if obs:
            origin = {id(x): i for i, x in enumerate(track) if x is not None}
            return {"op": "ret", "cb": 1, "v": self.encode([result] + [args[i] for i in obs if i < len(args)],
                                                          origin=origin)}
        return {"op": "ret", "v": self.encode(result)}

    def op_call(self, m):
        return self._invoke(self._obj(m["f"]), m)

    def op_callm(self, m):
        return self._invoke(getattr(self._obj(m["o"]), m["n"]), m)

    def op_getattr(self, m):
        return {"op": "ret", "v": self.encode(getattr(self._obj(m["o"]), m["n"]))}

    def op_setattr(self, m):
        setattr(self._obj(m["o"]), m["n"], self.decode(m["v"]))
        return {"op": "ret"}

    def op_delattr(self, m):
        delattr(self._obj(m["o"]), m["n"])
        return {"op": "ret"}

    def op_op(self, m):
        x = self._obj(m["o"])
        a = self.decode(m.get("a", []))
        n = m["n"]
        if n == "next":
            # a batch of items (lazy remote iteration): up to a[0], fewer at the end
            items, end = [], False
            for _ in range(max(1, min(int(a[0]) if a else 1, 4096))):
                try:
                    items.append(next(x))
                except StopIteration:
                    end = True
                    break
            return {"op": "ret", "v": self.encode([items, end])}
        fn = _OPS.get(n)
        if fn is None:
            raise wire.WireError(f"unknown operation {n!r}")
        return {"op": "ret", "v": self.encode(fn(x, *a))}

    def op_epoch(self, m):
        self.handles.epoch()
        return {"op": "ret"}

    def op_map(self, m):
        """f applied to each argument list of `a` in turn, each outcome streamed as it is known ({"op": "item",
        "v"|"e", "t": seconds inside f}) with no request in between: a judge calling one function on many
        inputs (EvalPlus labels) pays one frame per input instead of a round trip, and times f alone."""
        f = self._obj(m["f"])
        perf = time.perf_counter
        for raw in m.get("a", []):
            t0 = perf()
            try:
                r = _apply(f, self.decode(raw))
                dt = perf() - t0
                if type(r) in _BULKY and len(r) > 4096:
                    # f is done: said first, so the judge's limit does not count a large result's encoding.
                    self.send({"op": "done", "t": dt})
                item = {"op": "item", "v": self.encode(r), "t": dt}
            except BaseException as e:  # noqa: BLE001 - the solution's exception is this input's outcome
                item = {"op": "item", "e": self.exc_meta(e), "t": perf() - t0}
            try:
                self.send(item)
            except wire.Refused as e:
                self.send({"op": "item", "e": self.exc_meta(e), "t": item["t"]})
            r = item = None  # a large result is freed before the next input runs
        return {"op": "ret"}


_MUTABLE = frozenset({list, dict, set, bytearray, wire._DEQUE, wire._ORDERED, wire._COUNTER, wire._DEFAULT})


def _setitem(x, k, v):
    x[k] = v


def _delitem(x, k):
    del x[k]


_OPS = {"len": len, "iter": iter, "str": str, "repr": repr, "getitem": lambda x, k: x[k], "setitem": _setitem,
        "delitem": _delitem, "int": int, "float": float, "index": lambda x: x.__index__(), "call": lambda x, *a: x(*a)}


# ---------------------------------------------------------------- entry: serve one solution

_BULKY = (list, tuple, dict, set, frozenset, str, bytes)


def _apply(f, args):
    """f(*args) one frame down, so op_map calls f at op_call's depth (serve_one -> op_call -> _invoke -> f)."""
    return f(*args)


def _free_names(code, g):
    """Global names the solution's code reads that it does not define (co_names over-approximates: attribute
    names are in it too, which only adds names nobody reads as globals)."""
    out, todo = set(), [code]
    while todo:
        c = todo.pop()
        out.update(c.co_names)
        todo.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
    bi = vars(builtins)
    return {n for n in out if n not in g and n not in bi and not n.startswith("__")}


def _marshalled(raw):
    """The solution's code as the worker compiled it (same compile() call, same interpreter), or None."""
    if type(raw) is not str:
        return None
    try:
        code = marshal.loads(base64.b64decode(raw))
    except (ValueError, EOFError, TypeError):
        return None
    return code if type(code) is types.CodeType else None


def serve(fds, arg):
    """Entry of a solution candidate: fd 3 is the socket to the judge."""
    global _PEER
    conn = wire.Conn(3, int(arg.get("max_frame", wire.MAX_FRAME)))
    peer = CandidatePeer(conn)
    _PEER = peer
    sys.stdin = JudgeStdin()
    sys.stdout = Capture(peer, "o")
    sys.stderr = Capture(peer, "e")
    builtins.print = _print
    builtins.input = _input
    msg = conn.recv()
    if msg.get("op") != "load":
        return
    import unittest

    # The reference exec()s the program with exactly these globals (no __name__: it resolves to "builtins").
    g = {"unittest": unittest, "output": io.StringIO(), "locals_dict": {}}
    initial = dict(g)
    code = _marshalled(msg.get("code"))
    try:
        if code is None:
            code = compile(msg["src"], "<solution>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, OverflowError, MemoryError, RecursionError) as e:
        peer.send({"op": "loaded", "ok": False, "invalid": True, "e": peer.exc_meta(e)})
        return
    peer.io_mode = msg.get("pm", 0)
    # A call from the judge runs at a fixed depth: serve -> serve_one -> op_call -> _invoke -> the function.
    sys.setrecursionlimit(int(arg.get("_depth", 20)) + 4 + CALL_HEADROOM)
    try:
        exec(code, g)  # noqa: S102 - this process exists to run it
    except BaseException as e:  # noqa: BLE001 - SystemExit included: the load failed
        peer.send({"op": "loaded", "ok": False, "e": peer.exc_meta(e)})
        return
    names = {}
    for k, v in g.items():
        if k == "__builtins__" or initial.get(k, _UNSET) is v:
            continue
        try:
            if isinstance(v, (type, types.FunctionType, types.ModuleType)):
                peer.handles.export(v, pin=True)
            names[k] = peer.encode(v)
        except BaseException:  # noqa: BLE001 - a value that cannot travel stays behind
            continue
    for n in _free_names(code, g):
        g[n] = LazyName(n)
    peer.send({"op": "loaded", "ok": True, "names": names})
    while True:
        try:
            m = conn.recv()
        except wire.WireError:
            return
        peer.serve_one(m)


def reference(fds, arg):
    """Entry of a reference-verdicts candidate (forgeable by design, for parity studies): exec the program
    (solution + test + runner) in one interpreter with the reference's globals and report wasSuccessful."""
    import signal
    import unittest

    conn = wire.Conn(3)
    msg = conn.recv()
    sys.stdin = open(os.devnull)  # noqa: SIM115
    sys.stdout = sys.stderr = io.StringIO()

    class TimeoutException(Exception):
        pass

    def on_alarm(signum, frame):
        raise TimeoutException("Timed out!")

    out = {"op": "ret"}
    try:
        code = compile(msg["program"], "<program>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, OverflowError, MemoryError, RecursionError) as e:
        conn.send({"op": "ret", "invalid": True, "e": wire.exc_text(e)})
        return
    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, float(msg.get("timeout", 1.0)))
    locals_dict = {}
    try:
        g = {"unittest": unittest, "output": io.StringIO(), "locals_dict": locals_dict}
        sys.setrecursionlimit(int(arg.get("_depth", 20)) + 1 + CALL_HEADROOM + 20)
        exec(code, g)  # noqa: S102
        signal.setitimer(signal.ITIMER_REAL, 0)
        if msg.get("mode") == "assert":
            out["passed"] = True
        else:
            result = locals_dict.get("result")
            out["passed"] = bool(result.wasSuccessful())
            out["run"] = int(result.testsRun)
    except TimeoutException:
        out["timeout"] = True
    except BaseException as e:  # noqa: BLE001
        out["error"] = wire.exc_text(e, 400)
        out["etype"] = type(e).__name__
    signal.setitimer(signal.ITIMER_REAL, 0)
    conn.send(out)


def run_function(fds, arg):
    """Entry for a kind's own code in a candidate (`ctx.run_candidate`): arg = {"fn": "module:qualname",
    "payload": ...}; the function is called as fn(chan, payload) and reports through chan.send(record)."""
    mod_name, _, qual = arg["fn"].partition(":")
    obj = sys.modules[mod_name]
    for part in qual.split("."):
        obj = getattr(obj, part)
    conn = wire.Conn(3)

    class Chan:
        def send(self, rec):
            conn.send({"op": "rec", "r": rec})

    obj(Chan(), arg.get("payload"))
    conn.send({"op": "done"})


ENTRIES = {"serve": serve, "reference": reference, "run": run_function, "program": program.candidate_main}
