"""The judge side of the split: kinds run here (in a judge process forked by the worker per job), hold the tests
and expected outputs, and call the solution through proxies. Every verdict is decided here from values the
judge compared itself; a candidate only ever sends values, handles and exceptions.

API for kinds (`run(job, ctx)` gets a JudgeCtx):
    cand = ctx.candidate(solution_text, load_timeout_s)  # fresh from the zygote; .load_status "ok"|"error"|
                                                          # "timeout"|"crash"|"invalid", .load_error, .load_ms
    f = cand.ref("entry_point")       # a proxy: f(*args) copies args in, the result out (mutated args back)
    value, meta = cand.call("entry_point", args, kwargs, timeout_s=…)  # meta {wall_s, cpu_s, stdout, stderr}
    ns = cand.namespace()             # every top-level name of the solution, as the test should see it
    cand.cpu_seconds()                # measured from outside (/proc/<pid>/stat), never reported by it
    cand.refork()                     # a fresh candidate with the same solution loaded (state dropped)
    cand.close()                      # kill it and everything it started (its pid namespace)
Errors: Unsupported (a value or operation that cannot cross: the pair is `unsupported`), CandidateCrash (the
candidate died), CandidateTimeout (an explicit timeout_s expired). All three are BaseException subclasses so
test code's `except Exception` cannot swallow them; `pair_flags()` also records them for the verdict.
"""
import array
import builtins
import importlib.util
import json
import os
import select
import signal
import socket
import sys
import time
import types
import unittest
import unittest.mock

import program
import wire
from forkrun import TimeoutException, arm_alarm, disarm_alarm

ITER_CAP = 1_000_000
_MISS = object()  # items a remote generator may yield to one consumer


def reference_verdict(r, on_error, on_ok="pass"):
    """The verdict of a `JudgeCtx.reference` run (forgeable: the candidate reported it): `on_error` when an
    exception ended the program, `on_ok` when it ran to the end."""
    if r.get("killed") or r.get("timeout"):
        return "timeout"
    if r.get("crashed"):
        return "crash"
    if r.get("invalid"):
        return "invalid"
    return on_error if "error" in r else on_ok


class Unsupported(BaseException):
    """Something the split cannot carry (the pair's verdict becomes `unsupported: <reason>`)."""


class CandidateCrash(BaseException):
    """The candidate process died (or broke the protocol) during a request."""


class CandidateTimeout(BaseException):
    """An explicit per-call time limit expired; the candidate was killed."""


_PAIR = {"unsupported": None, "crash": None}


def reset_pair():
    _PAIR["unsupported"] = None
    _PAIR["crash"] = None


def pair_flags():
    """(unsupported reason or None, crash reason or None) since reset_pair()."""
    return _PAIR["unsupported"], _PAIR["crash"]


def unsupported(reason):
    if _PAIR["unsupported"] is None:
        _PAIR["unsupported"] = reason
    return Unsupported(reason)


# The judge's own print and streams, set by the worker when it forks the judge: printing by the solution is
# replayed structurally only when the test could observe it (print or sys.stdout replaced, e.g. mock.patch).
DEFAULT_STREAMS = {"stdout": None, "stderr": None}
_ORIG_PRINT = builtins.print
_ORIG_INPUT = builtins.input


def _print_mode():
    return 0 if builtins.print is _ORIG_PRINT and sys.stdout is DEFAULT_STREAMS["stdout"] else 1


# ---------------------------------------------------------------- proxies for candidate objects

def _refuse(what):
    def method(self, *a):
        raise unsupported(f"{what} of a solution object of type {self._meta.get('n', '?')} (the judge compares "
                          "only plain values)")
    return method


class Remote:
    """A candidate object: attribute reads, calls, len/iter/getitem/str go to the candidate; comparisons, hash
    and truth are refused (`unsupported`): they would let the candidate decide an assertion."""

    __slots__ = ("_c", "_hid", "_meta", "_pinned", "__weakref__")

    def __init__(self, c, hid, meta):
        object.__setattr__(self, "_c", c)
        object.__setattr__(self, "_hid", hid)
        object.__setattr__(self, "_meta", meta)
        object.__setattr__(self, "_pinned", False)

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        meth = self._meta.get("meth")
        if meth and name in meth:
            return RemoteMethod(self, name)
        return self._c.request({"op": "getattr", "o": self._hid, "n": name})

    def __setattr__(self, name, value):
        self._c.request({"op": "setattr", "o": self._hid, "n": name, "v": self._c.enc(value)})

    def __delattr__(self, name):
        self._c.request({"op": "delattr", "o": self._hid, "n": name})

    def __call__(self, *args, **kwargs):
        return self._c.call_hid(self._hid, args, kwargs)

    def _op(self, name, *a):
        return self._c.request({"op": "op", "o": self._hid, "n": name, "a": self._c.enc(list(a))})

    def __len__(self):
        n = self._op("len")
        if type(n) is not int or n < 0:
            raise unsupported("len() of a solution object did not give a plain int")
        return n

    def __iter__(self):
        it = self._op("iter")
        if not isinstance(it, (RemoteIterator, Remote)):
            raise unsupported("iter() of a solution object did not give an iterator")
        return it

    def __getitem__(self, k):
        return self._op("getitem", k)

    def __setitem__(self, k, v):
        self._op("setitem", k, v)

    def __delitem__(self, k):
        self._op("delitem", k)

    def __str__(self):
        s = self._op("str")
        if type(s) is not str:
            raise unsupported("str() of a solution object did not give a str")
        return s

    def __repr__(self):
        try:
            s = self._op("repr")
        except BaseException:  # noqa: BLE001 - repr is used in messages; never let it fail them
            return f"<solution {self._meta.get('n', 'object')}>"
        return s if type(s) is str else f"<solution {self._meta.get('n', 'object')}>"

    def __index__(self):
        v = self._op("index")
        if type(v) is not int:
            raise unsupported("index of a solution object is not a plain int")
        return v

    def __int__(self):
        v = self._op("int")
        if type(v) is not int:
            raise unsupported("int() of a solution object is not a plain int")
        return v

    def __float__(self):
        v = self._op("float")
        if type(v) is not float:
            raise unsupported("float() of a solution object is not a plain float")
        return v

    __eq__ = _refuse("==")
    __ne__ = _refuse("!=")
    __lt__ = _refuse("<")
    __le__ = _refuse("<=")
    __gt__ = _refuse(">")
    __ge__ = _refuse(">=")
    __hash__ = _refuse("hash()")
    __bool__ = _refuse("truth value")
    __contains__ = _refuse("`in`")

    def __mro_entries__(self, bases):
        raise unsupported("the test subclasses a class of the solution")


class RemoteMethod:
    __slots__ = ("_obj", "_name")

    def __init__(self, obj, name):
        self._obj, self._name = obj, name

    def __call__(self, *args, **kwargs):
        o = self._obj
        return o._c.call_hid(o._hid, args, kwargs, self._name)

    def __repr__(self):
        return f"<method {self._name} of a solution object>"


class RemoteFunction(Remote):
    __slots__ = ()

    def __call__(self, *args, **kwargs):
        return self._c.call_hid(self._hid, args, kwargs)

    def __repr__(self):
        return f"<solution function {self._meta.get('n', '?')}>"

    def __get__(self, obj, objtype=None):  # a solution function stored on a test class stays a plain function
        return self


class RemoteClass(Remote):
    __slots__ = ()

    def __instancecheck__(self, obj):
        if type(obj) is Remote:
            if obj._meta.get("cls") == self._hid:
                return True
            return bool(self._c.request({"op": "op", "o": self._hid, "n": "isinstance", "a": self._c.enc([obj])}))
        return False

    def __repr__(self):
        return f"<solution class {self._meta.get('n', '?')}>"


class RemoteIterator(Remote):
    """A generator or iterator of the solution, consumed lazily in growing batches (1, 2, 4 … 256 items)."""

    __slots__ = ("_buf", "_end", "_n", "_batch")

    def __init__(self, c, hid, meta):
        super().__init__(c, hid, meta)
        object.__setattr__(self, "_buf", [])
        object.__setattr__(self, "_end", False)
        object.__setattr__(self, "_n", 0)
        object.__setattr__(self, "_batch", 1)

    def __iter__(self):
        return self

    def __next__(self):
        buf = self._buf
        if not buf:
            if self._end:
                raise StopIteration
            got = self._c.request({"op": "op", "o": self._hid, "n": "next", "a": [self._batch]})
            if type(got) is not list or len(got) != 2 or type(got[0]) is not list:
                raise unsupported("a solution iterator sent a malformed batch")
            items, end = got
            object.__setattr__(self, "_end", bool(end))
            object.__setattr__(self, "_batch", min(self._batch * 2, 256))
            buf.extend(reversed(items))
            if not buf:
                raise StopIteration
        n = self._n + 1
        if n > ITER_CAP:
            raise unsupported(f"a solution generator yielded more than {ITER_CAP} items")
        object.__setattr__(self, "_n", n)
        return buf.pop()

    def __repr__(self):
        return f"<solution iterator {self._meta.get('n', '?')}>"


_REMOTE_TYPES = (Remote, RemoteFunction, RemoteClass, RemoteIterator)
_BUILTIN_NAMES = frozenset(n for n in dir(builtins) if not n.startswith("_"))


class Shadowed:
    """A solution's redefinition of a builtin name, in the test's namespace: any use is `unsupported`."""

    __slots__ = ("_name",)

    def __init__(self, name):
        object.__setattr__(self, "_name", name)

    def _refuse(self, *a, **k):
        raise unsupported(f"the solution redefines the builtin {self._name!r}, which the test uses")

    __call__ = __getattr__ = __eq__ = __hash__ = __bool__ = __iter__ = __len__ = __getitem__ = _refuse
    __instancecheck__ = __subclasscheck__ = __mro_entries__ = _refuse

    def __repr__(self):
        return f"<solution's {self._name}>"


def _pinned_proxy(p):
    if type(p) in _REMOTE_TYPES:
        return p._pinned
    return isinstance(p, type) and getattr(p, "_pinned", False)
_MUTABLE = frozenset({list, dict, set, bytearray, wire._DEQUE, wire._ORDERED, wire._COUNTER, wire._DEFAULT})
_CONTAINERS = _MUTABLE | {tuple, frozenset}


def _calibrate_refcount():
    """sys.getrefcount of a temporary argument as seen in a proxy's __call__ (the test holds no reference)."""
    seen = []

    class P:
        def __call__(self, *args):
            for a in args:
                seen.append(sys.getrefcount(a))

    P()([])
    return seen[0]


_TEMP_REFS = _calibrate_refcount()


def _observable(args):
    """Indices of arguments whose in-place changes the test could see (it holds them, or they nest
    containers): those are copied back after the call."""
    obs = None
    getrc = sys.getrefcount
    for i, a in enumerate(args):
        t = type(a)
        if t not in _CONTAINERS:
            continue
        nested = False
        if t is list or t is tuple:
            for e in a[:64]:
                if type(e) in _CONTAINERS:
                    nested = True
                    break
        elif t is dict:
            for e in list(dict.values(a))[:64]:
                if type(e) in _CONTAINERS:
                    nested = True
                    break
        if t in (tuple, frozenset) and not nested:
            continue
        if nested or getrc(a) > _TEMP_REFS + 1:  # + 1: this loop's own reference
            if obs is None:
                obs = []
            obs.append(i)
    return obs


# ---------------------------------------------------------------- exceptions from the candidate

_STDLIB_EXC = {("json.decoder", "JSONDecodeError"), ("decimal", "InvalidOperation"), ("decimal", "DivisionByZero"),
               ("re", "error"), ("statistics", "StatisticsError"), ("queue", "Empty"), ("queue", "Full"),
               ("heapq", "IndexError")}


# Exceptions that steer the judge's own control flow when raised inside test code: a solution raising
# StopIteration would silently end a map() the test iterates (all(map(...)) is then True). They cross as
# stand-ins deriving from Exception, so they are errors.
_CONTROL_FLOW = frozenset({"StopIteration", "StopAsyncIteration", "GeneratorExit", "KeyboardInterrupt"})


def _bases_for(names):
    found = [wire._EXC_BUILTINS[n] for n in names if isinstance(n, str) and n in wire._EXC_BUILTINS]
    keep = []
    for c in found:
        if not any(issubclass(k, c) for k in keep):
            keep.append(c)
    return tuple(keep) or (Exception,)


def _make_standin(name, module, base_names):
    bases = _bases_for([n for n in base_names if n not in _CONTROL_FLOW and n != "BaseException"])
    ns = {"__module__": str(module) if isinstance(module, str) else "solution", "__coderm_standin__": True}
    try:
        return type(str(name), bases, ns)
    except TypeError:
        return type(str(name), bases[:1], ns)


# ---------------------------------------------------------------- the candidate, seen from the judge

def _safe_stdlib_module(name):
    if not isinstance(name, str) or not name or name.startswith("_"):
        return None
    mod = sys.modules.get(name)
    if mod is None:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            return None
        origin = getattr(spec, "origin", None) or ""
        if spec is None or not (origin in ("built-in", "frozen") or origin.startswith(sys.base_prefix + "/lib")):
            return None
        try:
            mod = importlib.import_module(name)
        except BaseException:  # noqa: BLE001
            return None
    f = getattr(mod, "__file__", None) or ""
    if f and not f.startswith(sys.base_prefix + "/lib"):
        return None  # one of ours (the harness), not the standard library
    return mod


def proc_cpu_seconds(pid):
    """A process's CPU time (user + system), read from outside (/proc/<pid>/stat), or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


_MOCK_DENY = frozenset({"reset_mock", "configure_mock", "attach_mock", "mock_add_spec", "side_effect",
                        "return_value", "call_args", "call_args_list", "call_count", "called", "method_calls",
                        "mock_calls"})


class Candidate:
    def __init__(self, ctx, solution, load_timeout=None, entry="serve"):
        self.ctx, self.solution, self.load_timeout = ctx, solution, load_timeout
        self.handles = wire.Handles()
        self.enc = wire.make_encoder(self.handles, self._describe, self._proxy_id)
        self.dec = wire.make_decoder(self.handles, self._make_proxy)
        self.alive, self.poisoned = False, False
        self.load_status, self.load_error, self.load_ms, self.names = "crash", "", 0.0, {}
        self.test_ns = None
        self._shadowing = []
        self._standin_hid = {}
        self._epoch_due = False
        self._collect = None
        self.calls = 0
        self.memo = None  # {call key: outcome} shared by candidates of one stateless solution (see call_hid)
        self.served = 0  # requests of the candidate this judge served (callbacks, print replays)
        self._raw = None
        self._pinned_ids = set()  # standard objects among the load's handles (never given an attribute)
        self.memo_budget = 0.0  # the whole budget of a pair: how long a remembered call may run past a timeout
        self._grace = None
        t0 = time.perf_counter()
        try:
            self.pid, self.pidfd, fd = ctx.spawn(entry, {"max_frame": ctx.max_frame})
        except OSError as e:
            self.load_error = f"cannot start a candidate: {e}"
            return
        self.conn = wire.Conn(fd, ctx.max_frame)
        self.alive = True
        self.spawn_ms = (time.perf_counter() - t0) * 1000
        self._load(t0)
        st = ctx.stats  # the cost breakdown (Sandbox.stats, bench:exec --breakdown)
        st["spawn_ms"] = st.get("spawn_ms", 0) + self.spawn_ms
        st["load_ms"] = st.get("load_ms", 0) + self.load_ms - self.spawn_ms

    # -- lifecycle
    def _load(self, t0):
        deadline = None if self.load_timeout is None else time.monotonic() + self.load_timeout
        try:
            msg = {"op": "load", "src": self.solution, "pm": _print_mode()}
            code = self.ctx.compiled.get(self.solution)
            if code is not None:
                msg["code"] = code  # the worker's compile of this text (marshal): the candidate need not compile
            self.conn.send(msg)
            m = self._until_reply(deadline=deadline, terminal=("loaded",))
        except CandidateTimeout:
            self.load_status, self.load_error = "timeout", "solution timed out while loading"
            return
        except CandidateCrash as e:
            self.load_status, self.load_error = "crash", f"solution load: candidate died ({e})"
            return
        except TimeoutException:
            self._poison()
            self.load_status, self.load_error = "timeout", "solution timed out while loading"
            return
        except (Unsupported, wire.Refused, wire.WireError) as e:
            self._poison()
            self.load_status, self.load_error = "crash", f"solution load: {e}"
            return
        finally:
            self.load_ms = (time.perf_counter() - t0) * 1000
        if not isinstance(m, dict) or not m.get("ok"):
            e = m.get("e") if isinstance(m, dict) else None
            self.load_status = "invalid" if isinstance(m, dict) and m.get("invalid") else "error"
            self.load_error = self._describe_exc(e)
            self.close()
            return
        try:
            names = {}
            for k, v in (m.get("names") or {}).items():
                if isinstance(k, str):
                    names[k] = self.dec(v)
            for p in self.handles.proxies.values():
                # Only our proxies and stand-in classes: a handle may decode to a real standard module or class
                # (`math`, `Fraction`), which must not gain an attribute (a long-lived judge would keep it).
                if type(p) in _REMOTE_TYPES or (isinstance(p, type) and getattr(p, "__coderm_standin__", False)):
                    try:
                        object.__setattr__(p, "_pinned", True)
                    except (AttributeError, TypeError):
                        pass
                else:
                    self._pinned_ids.add(id(p))  # kept alive by self.names
        except (wire.Refused, Unsupported) as e:
            self.load_status, self.load_error = "error", f"solution names cannot cross: {e}"
            self.close()
            return
        self.names = names
        self._shadowing = [k for k in names if k in _BUILTIN_NAMES]
        self.load_status = "ok"

    def close(self):
        if self.alive:
            self.alive = False
            self.ctx.kill_candidate(self)
            try:
                os.close(self.conn.fd)
            except OSError:
                pass

    def refork(self):
        """A fresh candidate with the same solution (nothing of this one carries over); this one is closed."""
        self.close()
        return Candidate(self.ctx, self.solution, self.load_timeout)

    def _poison(self):
        """The protocol state is unknown (a request was interrupted): this candidate must not be used again."""
        self.poisoned = True
        self.close()

    def cpu_seconds(self):
        return proc_cpu_seconds(self.pid)

    @property
    def usable(self):
        return self.alive and not self.poisoned and self.load_status == "ok"

    def end_pair(self):
        """Release the handles of the pair that ended (sent with the next request)."""
        ids = self._pinned_ids
        self.handles.epoch(lambda p: _pinned_proxy(p) or id(p) in ids)
        self._standin_hid = {k: v for k, v in self._standin_hid.items() if v in self.handles.proxies}
        self._epoch_due = True
        self.test_ns = None

    # -- what the test sees
    def namespace(self):
        """The solution's names as the test should see them. A name that shadows a builtin (a solution's own
        `abs` or `sorted`) is bound to a guard: the reference's shared globals would let the solution answer the
        test's own tolerance checks and sorting, so a test that uses it makes the pair `unsupported`."""
        ns = dict(self.names)
        for k in self._shadowing:
            ns[k] = Shadowed(k)
        return ns

    def ref(self, name):
        v = self.names.get(name)
        if v is None and name not in self.names:
            raise NameError(f"name {name!r} is not defined by the solution")
        return v

    def call(self, name, args=(), kwargs=None, timeout_s=None):
        """Explicit call with its own time limit; returns (value, meta) with captured stdout/stderr."""
        f = self.ref(name)
        hid = self._proxy_id(f)
        if hid is None:
            raise unsupported(f"{name} is not a function of the solution")
        self._collect = []
        cpu0 = self.cpu_seconds()
        t0 = time.perf_counter()
        try:
            value = self.call_hid(hid, tuple(args), kwargs or {}, None,
                                  None if timeout_s is None else time.monotonic() + timeout_s)
        finally:
            events, self._collect = self._collect, None
        cpu1 = self.cpu_seconds()
        out = "".join(e[1] for e in events if e[0] == "o" and type(e[1]) is str)
        err = "".join(e[1] for e in events if e[0] == "e" and type(e[1]) is str)
        return value, {"wall_s": time.perf_counter() - t0, "cpu_s": None if cpu0 is None or cpu1 is None else cpu1 - cpu0,
                       "stdout": out, "stderr": err}

    # -- requests to the candidate
    def _send(self, msg):
        if not self.alive:
            why = "the candidate is gone (an earlier request of this pair timed out or crashed it)"
            if _PAIR["crash"] is None:
                _PAIR["crash"] = why
            raise CandidateCrash(why)
        if self._epoch_due:
            msg["ep"] = 1
            self._epoch_due = False
        try:
            self.conn.send(msg)
        except wire.Refused as e:
            raise unsupported(str(e)) from None
        except OSError as e:
            self._crashed(f"send failed: {e}")

    def request(self, msg):
        msg["pm"] = _print_mode()
        self._send(msg)
        return self._until_reply()

    def call_hid(self, hid, args, kwargs, method=None, deadline=None):
        self.calls += 1
        track = []
        try:
            a = self.enc(list(args), track=track)
            k = self.enc(kwargs) if kwargs else None
        except wire.Refused as e:
            raise unsupported(f"an argument cannot be sent to the solution: {e}") from None
        msg = {"op": "callm", "o": hid, "n": method, "a": a} if method else {"op": "call", "f": hid, "a": a}
        if k is not None:
            msg["k"] = k
        obs = _observable(args)
        if obs:
            msg["ob"] = obs
        msg["pm"] = _print_mode()
        key = None
        if self.memo is not None and method is None and not obs and not self.poisoned:
            key = json.dumps([hid, a, k, msg["pm"]], separators=(",", ":"))
            if '"h":' in key or '"H":' in key:  # a handle: the call's result may depend on that object's state
                key = None
            else:
                hit = self.memo.get(key)
                if hit is not None:
                    got = self._replay_memo(hit)
                    if got is not _MISS:
                        return got
        t0 = time.perf_counter()
        try:
            if key is None:
                self._send(msg)
                return self._until_reply(track if obs else None, deadline)
            return self._call_recorded(key, msg, deadline)
        finally:
            st = self.ctx.stats
            st["round_trips"] = st.get("round_trips", 0) + 1
            dt = (time.perf_counter() - t0) * 1000
            st["round_trip_ms"] = st.get("round_trip_ms", 0) + dt

    def _call_recorded(self, key, msg, deadline):
        """A real call whose outcome is remembered when it is plain data (no handles, no printing, no callbacks)."""
        served, t0 = self.served, time.perf_counter()
        self._raw = None
        self._grace = time.monotonic() + self.memo_budget if self.memo_budget else None
        self._send(msg)
        try:
            got = self._until_reply(None, deadline)
        except TimeoutException:
            if self.served == served:
                raw = self._raw
                cost = time.perf_counter() - t0
                self.memo[key] = (*raw, cost) if raw is not None else ("timeout", None, max(cost, self.memo_budget))
            raise
        except BaseException:
            raw = self._raw
            if raw is not None and raw[0] == "raise" and self.served == served:
                self.memo[key] = (*raw, time.perf_counter() - t0)
            raise
        finally:
            self._grace = None
        raw = self._raw
        if raw is not None and raw[0] == "ret" and self.served == served:
            self.memo[key] = (*raw, time.perf_counter() - t0)
        return got

    def _late_reply(self):
        """After the pair's alarm, wait for the remembered call up to the full pair budget: then its outcome (or
        that it needs more than any pair has) is known, and later pairs making the same call need not pay again."""
        deadline, self._grace = self._grace, None
        try:
            m = self.conn.recv(deadline)
        except (TimeoutError, wire.WireError):
            return False
        if type(m) is dict and m.get("op") in ("ret", "raise") and len(m) <= 2:
            body = m.get("v") if m["op"] == "ret" else m.get("e")
            self._raw = (m["op"], json.dumps(body, separators=(",", ":")) if "v" in m or m["op"] == "raise" else None)
            return True
        return False

    def _replay_memo(self, hit):
        """A remembered call of a stateless solution: same arguments, same outcome (the static check proved the
        solution keeps no state and reads no clock or randomness). Its measured time is charged to the pair's
        alarm, so a pair of many cached calls times out where the reference's would."""
        what, raw, cost = hit
        left = signal.getitimer(signal.ITIMER_REAL)[0]
        if left > 0 and cost >= left:
            self.ctx.stats["memo_hits"] = self.ctx.stats.get("memo_hits", 0) + 1
            disarm_alarm()
            self._poison()  # as after a real timeout: the rest of the pair finds the candidate gone
            raise TimeoutException("Timed out!")
        if what == "timeout":
            return _MISS  # it ran `cost` without finishing, and this pair has more time left than that
        if left > 0:
            signal.setitimer(signal.ITIMER_REAL, left - cost)
        self.ctx.stats["memo_hits"] = self.ctx.stats.get("memo_hits", 0) + 1
        if what == "ret":
            return self.dec(json.loads(raw)) if raw is not None else None
        raise self._exception(json.loads(raw))

    def _crashed(self, why):
        if _PAIR["crash"] is None:
            _PAIR["crash"] = f"the candidate died: {why}"
        self.alive = False
        self.ctx.kill_candidate(self)
        raise CandidateCrash(why)

    def _until_reply(self, origin=None, deadline=None, terminal=()):
        while True:
            try:
                m = self.conn.recv(deadline)
            except TimeoutError:
                self._poison()
                raise CandidateTimeout("the call exceeded its time limit") from None
            except wire.WireError as e:
                self._crashed(str(e))
            except BaseException as e:
                if type(e) is TimeoutException and self._grace is not None and self._late_reply():
                    raise  # the pair timed out, but the call finished within the grace: the candidate is fine
                self._poison()  # the judge's alarm (or anything else) interrupted the wait
                raise
            if type(m) is not dict:
                self._violation("a frame that is not an object")
            ev = m.get("io")
            if ev:
                self.served += 1
                self._replay(ev)
            op = m.get("op")
            if op == "ret":
                if self.memo is not None and len(m) <= 2:
                    self._raw = ("ret", json.dumps(m["v"], separators=(",", ":")) if "v" in m else None)
                if "v" not in m:
                    return None
                try:
                    if origin is not None and m.get("cb"):
                        got = self.dec(m["v"], origin=origin)
                        return got[0] if type(got) is list and got else None
                    return self.dec(m["v"])
                except wire.Refused as e:
                    raise unsupported(f"the solution's value cannot cross: {e}") from None
            if op == "raise":
                if self.memo is not None and len(m) <= 2:
                    self._raw = ("raise", json.dumps(m.get("e"), separators=(",", ":")))
                raise self._exception(m.get("e"))
            if op in terminal:
                return m
            self.served += 1
            try:
                self._serve(m)
            except wire.WireError as e:
                self._violation(str(e))
            except BaseException:
                self._poison()
                raise

    def _violation(self, why):
        """The candidate broke the protocol: it is killed, and the request it was answering crashed."""
        self._poison()
        if _PAIR["crash"] is None:
            _PAIR["crash"] = f"the candidate broke the protocol: {why}"
        raise CandidateCrash(f"protocol violation: {why}")

    def _replay(self, events):
        if type(events) is not list:
            return
        if self._collect is not None:
            self._collect.extend(e for e in events if type(e) is list and e)
            return
        for e in events:
            if type(e) is not list or not e:
                continue
            tag = e[0]
            if tag == "o" and len(e) == 2 and type(e[1]) is str:
                sys.stdout.write(e[1])
            elif tag == "e" and len(e) == 2 and type(e[1]) is str:
                sys.stderr.write(e[1])
            elif tag == "p" and len(e) == 3 and type(e[1]) is list and type(e[2]) is dict:
                args = []
                for x in e[1]:
                    t = type(x)
                    if t is dict and type(x.get("S")) is str:
                        args.append(x["S"])
                    elif t is int or t is str or t is float or t is bool or x is None:
                        args.append(x)
                kw = {}
                for k in ("sep", "end"):
                    if k in e[2] and (e[2][k] is None or type(e[2][k]) is str):
                        kw[k] = e[2][k]
                if e[2].get("file") in ("o", "e"):
                    kw["file"] = sys.stderr if e[2]["file"] == "e" else sys.stdout
                if e[2].get("flush") is True:
                    kw["flush"] = True
                builtins.print(*args, **kw)

    # -- exceptions
    def _exception(self, meta):
        if type(meta) is not dict:
            return unsupported("the candidate sent a malformed exception")
        name, module, bases = meta.get("n"), meta.get("m"), meta.get("b") or []
        if type(bases) is not list:
            bases = []
        cls = None
        if module == "builtins" and type(name) is str and wire._EXC_BUILTINS.get(name) is not None:
            if bases and bases[0] == name and name not in _CONTROL_FLOW:
                cls = wire._EXC_BUILTINS[name]
        elif (module, name) in _STDLIB_EXC:
            mod = _safe_stdlib_module(module)
            c = getattr(mod, name, None) if mod is not None else None
            if isinstance(c, type) and issubclass(c, BaseException):
                cls = c
        if cls is None:
            hid = meta.get("cls")
            cls = self.handles.proxies.get(hid) if type(hid) is int else None
            if not (isinstance(cls, type) and getattr(cls, "__coderm_standin__", False)):
                cls = _make_standin(name if type(name) is str else "Error", module, bases)
                if type(hid) is int:
                    self.handles.proxies[hid] = cls
                    self._standin_hid[id(cls)] = hid
        text = meta.get("s") if type(meta.get("s")) is str else ""
        args = None
        if meta.get("a") is not None:
            try:
                args = self.dec(meta["a"])
            except (wire.Refused, Unsupported):
                args = None
        try:
            exc = cls(*args) if type(args) is list else cls(text)
            if text and str(exc) != text:  # a custom __str__ in the solution: keep the text it showed
                exc = cls(text)
        except BaseException:  # noqa: BLE001 - a constructor with other arguments: build it bare
            exc = cls.__new__(cls)
            BaseException.__init__(exc, text)
        return exc

    def _describe_exc(self, meta):
        if type(meta) is not dict:
            return "unknown error"
        return f"{meta.get('n', 'Error')}: {meta.get('s', '')}"[:2000]

    # -- handles
    def _describe(self, x):
        if isinstance(x, type) or type(x) is types.BuiltinFunctionType:
            ref = wire.stdlib_ref(x)
            if ref is not None:
                return {"k": "ref", "m": ref[0], "n": ref[1]}
        if isinstance(x, type):
            return {"k": "cls", "n": str(x.__name__), "m": str(x.__module__)}
        if isinstance(x, types.ModuleType):
            return {"k": "mod", "n": x.__name__}
        t = type(x)
        if t in (types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.LambdaType):
            return {"k": "fn", "n": str(getattr(x, "__name__", "?"))}
        meta = {"k": "obj", "n": t.__name__, "cls": self.handles.export(t)}
        if getattr(t, "__bool__", None) is not None or getattr(t, "__len__", None) is not None:
            meta["b"] = 1
        if getattr(t, "__eq__", object.__eq__) is not object.__eq__:
            meta["eq"] = 1
        return meta

    def _proxy_id(self, x):
        t = type(x)
        if t in _REMOTE_TYPES:
            return x._hid if x._c is self else None
        if isinstance(x, type):
            return self._standin_hid.get(id(x))
        return None

    def _make_proxy(self, hid, meta):
        k = meta.get("k")
        if k == "cls":
            if meta.get("e") is not None:
                cls = _make_standin(meta.get("n") or "Error", meta.get("m"), meta.get("e") or [])
                self._standin_hid[id(cls)] = hid
                return cls
            return RemoteClass(self, hid, meta)
        if k == "fn":
            return RemoteFunction(self, hid, meta)
        if k == "it":
            return RemoteIterator(self, hid, meta)
        if k == "mod" or k == "ref":
            mod = _safe_stdlib_module(meta.get("m") if k == "ref" else meta.get("n"))
            if mod is not None:
                if k == "mod":
                    return mod
                got = getattr(mod, str(meta.get("n")), None)
                if isinstance(got, type) or type(got) is types.BuiltinFunctionType:
                    return got
        return Remote(self, hid, meta)

    # -- what the candidate may ask of the judge
    def _own(self, hid):
        if type(hid) is not int or hid not in self.handles.own:
            raise wire.WireError(f"unknown handle {hid!r}")
        return self.handles.own[hid]

    def _serve(self, m):
        op = m.get("op")
        try:
            reply = self._serve_op(op, m)
        except (TimeoutException, Unsupported, CandidateCrash, CandidateTimeout, wire.WireError):
            raise
        except Exception as e:  # noqa: BLE001 - the test's exceptions travel back to the solution
            reply = {"op": "raise", "e": self._exc_meta(e)}
        self._send(reply)

    def _serve_op(self, op, m):
        if op == "call":
            fn = self._own(m.get("f"))
            track = []
            args = self.dec(m.get("a") or [], track=track)
            kwargs = self.dec(m["k"]) if "k" in m else {}
            if type(args) is not list or type(kwargs) is not dict:
                raise wire.WireError("malformed call")
            result = fn(*args, **kwargs)
            obs = m.get("ob")
            if obs and type(obs) is list:
                origin = {id(x): i for i, x in enumerate(track) if x is not None}
                picked = [args[i] for i in obs if type(i) is int and 0 <= i < len(args)]
                return {"op": "ret", "cb": 1, "v": self.enc([result] + picked, origin=origin)}
            return {"op": "ret", "v": self.enc(result)}
        if op == "getattr":
            obj, name = self._own(m.get("o")), m.get("n")
            self._check_attr(obj, name, write=False)
            return {"op": "ret", "v": self.enc(getattr(obj, name))}
        if op in ("setattr", "delattr"):
            obj, name = self._own(m.get("o")), m.get("n")
            self._check_attr(obj, name, write=True)
            if op == "setattr":
                setattr(obj, name, self.dec(m.get("v")))
            else:
                delattr(obj, name)
            return {"op": "ret"}
        if op == "op":
            obj, name = self._own(m.get("o")), m.get("n")
            a = self.dec(m.get("a") or [])
            if type(a) is not list:
                raise wire.WireError("malformed op")
            return {"op": "ret", "v": self.enc(_judge_op(obj, name, a))}
        if op == "name":
            return {"op": "ret", "v": self.enc(self._resolve(m.get("n")))}
        if op == "stdin":
            return {"op": "ret", "v": self.enc(_stdin(m.get("m"), m.get("a") or []))}
        raise wire.WireError(f"unknown request {op!r}")

    def _check_attr(self, obj, name, write):
        if type(name) is not str or not name or name.startswith("_"):
            raise AttributeError(f"attribute {name!r} of a test object is not available to the solution")
        if isinstance(obj, unittest.mock.NonCallableMock) and (write or name in _MOCK_DENY or name.startswith("assert")):
            raise AttributeError(f"attribute {name!r} of a mock is not available to the solution")
        if write and isinstance(obj, (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType)):
            raise AttributeError("the solution cannot change the test's classes, modules or functions")

    def _resolve(self, name):
        ns = self.test_ns
        if type(name) is not str or ns is None or name not in ns:
            raise NameError(f"name {name!r} is not defined")
        v = ns[name]
        if isinstance(v, types.ModuleType):
            mod = _safe_stdlib_module(v.__name__)
            if mod is not None:
                return mod
        elif isinstance(v, type) and not issubclass(v, unittest.TestCase) and not getattr(v, "__coderm_standin__", False):
            mod = _safe_stdlib_module(getattr(v, "__module__", ""))
            if mod is not None and getattr(mod, v.__name__, None) is v:
                return v  # a standard class (e.g. deque imported by the test): the candidate uses its own
            return v  # a class the test defines (ListNode, TreeNode): a handle the solution may use
        elif type(v) in _REMOTE_TYPES or (isinstance(v, type) and getattr(v, "__coderm_standin__", False)):
            return v  # one of the solution's own names, rebound by the test
        elif callable(v):
            mod = _safe_stdlib_module(getattr(v, "__module__", "") or "")
            if mod is not None and getattr(mod, getattr(v, "__name__", ""), None) is v:
                return v
        raise unsupported(f"the solution reads {name!r}, which only the test defines (not a class or module)")


def _judge_op(obj, name, a):
    if name == "len":
        return len(obj)
    if name == "iter":
        return iter(obj)
    if name == "next":
        return next(obj)
    if name == "str":
        return str(obj)
    if name == "repr":
        return repr(obj)
    if name == "bool":
        return bool(obj)
    if name == "getitem" and len(a) == 1:
        return obj[a[0]]
    if name == "setitem" and len(a) == 2:
        obj[a[0]] = a[1]
        return None
    if name == "delitem" and len(a) == 1:
        del obj[a[0]]
        return None
    if name == "contains" and len(a) == 1:
        return a[0] in obj
    if name in ("eq", "lt", "le", "gt", "ge") and len(a) == 1:
        import operator

        return getattr(operator, name)(obj, a[0])
    if name == "isinstance" and len(a) == 1 and isinstance(obj, type):
        return isinstance(a[0], obj)
    raise wire.WireError(f"unknown operation {name!r}")


def _stdin(method, a):
    if method == "input":
        return builtins.input(*[str(x) for x in a[:1]])
    stream = sys.stdin
    if method == "read":
        return stream.read(*a[:1])
    if method == "readline":
        return stream.readline(*a[:1])
    if method == "readlines":
        return stream.readlines(*a[:1])
    raise wire.WireError(f"unknown stdin method {method!r}")


def _exc_meta_judge(e):
    t = type(e)
    return {"n": t.__name__, "m": str(getattr(t, "__module__", "?")), "b": wire.builtin_bases(t),
            "s": wire.exc_text(e), "a": None}


Candidate._exc_meta = lambda self, e: {**_exc_meta_judge(e), "a": _try_enc(self, list(e.args))}


def _try_enc(c, v):
    try:
        return c.enc(v)
    except BaseException:  # noqa: BLE001
        return None


# ---------------------------------------------------------------- the judge's context (what kinds get)

def _pin_here():
    """Opt-in (worker option pin_cpu): pin this judge to the CPU it runs on, and its candidates with it; a call is a ping-pong of two
    processes, and a wake-up on the same CPU is a direct switch where one on another CPU costs an inter-processor
    interrupt (expensive on VMs). Chosen per judge (per job), so the OS still spreads jobs over the CPUs."""
    try:
        with open("/proc/self/stat") as f:
            cpu = int(f.read().rsplit(")", 1)[1].split()[36])
        os.sched_setaffinity(0, {cpu})
        return cpu
    except (OSError, ValueError, IndexError):
        return None


class _Killed:
    __slots__ = ("pid", "pidfd")

    def __init__(self, pid, pidfd):
        self.pid, self.pidfd = pid, pidfd


class JudgeCtx:
    TimeoutException = TimeoutException
    arm_alarm = staticmethod(arm_alarm)
    disarm_alarm = staticmethod(disarm_alarm)
    Unsupported, CandidateCrash, CandidateTimeout = Unsupported, CandidateCrash, CandidateTimeout

    def __init__(self, zsock, emit, beat, calibrated, stats, opts):
        self._z = zsock
        self._emit = emit
        self._beat = beat
        self.calibrated = calibrated
        self.stats = stats
        self.max_frame = int(opts.get("max_frame", wire.MAX_FRAME))
        self._rid = 0
        self._reap = []
        self.prespawn = False
        self.cpu = _pin_here() if opts.get("pin_cpu", False) else None
        self._spare = None  # (request id, our socket end, arg) of a solution candidate asked for ahead
        self._pending = {}
        self._stash = {}
        self._ahead = set()  # request ids of candidates asked for ahead by a kind (spawn_ahead)
        self._kept = set()  # those of them that outlive their job (spawn_ahead(keep=True))
        self.keep_spare = False  # a long-lived judge keeps one candidate ready, whatever the kind asks
        self._last_usage = None
        self._live = set()  # candidates handed out and not yet killed or reaped (killed at the end of a job)
        self.compiled = {}  # {solution text: its code, marshalled in base64} for this job (the worker compiled it)

    def begin_job(self, stats):
        self.stats, self.prespawn, self.compiled = stats, False, {}

    def end_job(self):
        """Kill whatever candidate the job's kind left running (the spare, not handed out yet, stays)."""
        for pid in list(self._live):
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self._reap.append(pid)
        self._live.clear()
        for rid in list(self._ahead - self._kept):  # asked for ahead and never taken (a judge per job swept them)
            self._ahead.discard(rid)
            try:
                rep = self._reply(rid)
            except OSError:
                continue
            if type(rep.get("pid")) is int:
                try:
                    os.kill(rep["pid"], signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
                self._reap.append(rep["pid"])

    def emit(self, record):
        self._emit(record)

    def beat(self):
        self._beat()

    def candidate(self, solution, load_timeout_s=None):
        self.stats["candidates"] = self.stats.get("candidates", 0) + 1
        return Candidate(self, solution, load_timeout_s)

    def spawn(self, entry, arg, fds=None):
        """A fresh candidate process from the zygote running `entry` with our socket end as its fd 3 (and `fds`,
        {target fd number: our descriptor}, placed as given; e.g. 0/1/2 for a program). Returns (pid, pidfd,
        our fd). With `prespawn` set (a kind that re-forks per test), the next solution candidate is asked for
        as soon as one is handed out, so its clone and clean-room setup overlap the current test."""
        if entry != "serve" or fds or not (self.prespawn or self.keep_spare):
            got = self._pin(self._reply(self._request_spawn(entry, arg, fds), self._pending.pop(self._rid)))
            self._live.add(got[0])
            return got
        spare, self._spare = self._spare, None
        if spare is None or spare[2] != arg:
            if spare is not None:
                self._discard(spare)
            spare = (self._request_spawn(entry, arg, None), None, arg)
            spare = (spare[0], self._pending.pop(spare[0]), arg)
        got = self._pin(self._reply(spare[0], spare[1]))
        self._live.add(got[0])
        rid = self._request_spawn(entry, arg, None)
        self._spare = (rid, self._pending.pop(rid), arg)
        return got

    def spawn_ahead(self, entry, arg, fds=None, keep=False):
        """Ask the zygote for a candidate now and take it later with `take(ticket)`, so its clone and clean-room
        setup overlap the judge's other work (the program kind asks for the next case's candidate while the
        current one runs). The descriptors in `fds` are passed at once; the caller may close its copies.
        `keep`: the candidate outlives the job, as the solution spare does (untouched until taken; killed with
        the judge's candidates when the judge retires or dies), so the next job's first run finds it ready."""
        rid = self._request_spawn(entry, arg, fds)
        self._ahead.add(rid)
        if keep:
            self._kept.add(rid)
        return rid, self._pending.pop(rid)

    def take(self, ticket):
        """(pid, pidfd, our fd) of a candidate asked for with spawn_ahead."""
        try:
            got = self._pin(self._reply(ticket[0], ticket[1]))
            self._live.add(got[0])
            return got
        finally:
            self._ahead.discard(ticket[0])
            self._kept.discard(ticket[0])

    def _pin(self, got):
        if self.cpu is not None:
            try:
                os.sched_setaffinity(got[0], {self.cpu})
            except OSError:
                pass
        return got

    def _discard(self, spare):
        try:
            pid, pidfd, fd = self._reply(spare[0], spare[1])
        except OSError:
            return
        os.close(fd)
        self._kill(_Killed(pid, pidfd))

    def _request_spawn(self, entry, arg, fds):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        extra = sorted((fds or {}).items())
        self._rid += 1
        req = {"op": "spawn", "id": self._rid, "entry": entry, "arg": arg, "targets": [3] + [t for t, _ in extra],
               "reap": self._reap}
        self._reap = []
        passed = array.array("i", [theirs.fileno()] + [fd for _, fd in extra])
        try:
            self._z.sendmsg([json.dumps(req).encode()], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, passed)])
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self._pending[self._rid] = ours
        return self._rid

    def _reply(self, rid, ours=None):
        """The zygote's reply to request `rid`. A reply to the spare's request that arrives first is kept for
        later; stale replies to a judge that died before us are dropped."""
        while True:
            if rid in self._stash:
                rep, fds = self._stash.pop(rid)
            else:
                msg, anc, _, _ = self._z.recvmsg(1 << 16, socket.CMSG_SPACE(4 * 4))
                if not msg:
                    if ours is not None:
                        ours.close()
                    raise OSError("the zygote is gone")
                fds = wire.received_fds(anc)
                rep = json.loads(msg)
            if rep.get("id") != rid:
                if (self._spare is not None and rep.get("id") == self._spare[0]) or rep.get("id") in self._ahead:
                    self._stash[rep["id"]] = (rep, fds)
                    continue
                for fd in fds:
                    os.close(fd)
                continue
            if ours is None:
                for fd in fds:
                    os.close(fd)
                return rep
            if "error" in rep or not fds:
                for fd in fds:
                    os.close(fd)
                ours.close()
                raise OSError(rep.get("error", "no pidfd"))
            self._usage(rep.get("u"))
            return rep["pid"], fds[0], ours.detach()

    def _usage(self, u):
        """The zygote's cumulative counters (candidates reaped, their CPU, its own CPU) → this job's share."""
        if type(u) is not list or len(u) != 3:
            return
        last, self._last_usage = self._last_usage, u
        if last is None:
            return
        st = self.stats
        for k, i in (("cand_reaped", 0), ("cand_cpu_ms", 1), ("zygote_cpu_ms", 2)):
            st[k] = st.get(k, 0) + max(0, u[i] - last[i])

    def live_cpu_seconds(self):
        """CPU seconds of the candidates handed out and still running, read from outside: a CPU-time limit that
        covers a solution's load (its candidate is not known before `candidate()` returns)."""
        return sum(proc_cpu_seconds(pid) or 0.0 for pid in list(self._live))

    def wait_candidate(self, pid):
        """Reap an exited candidate through the zygote (its parent): {"status" (as os.waitpid), "utime", "stime",
        "maxrss" (KiB)} as the kernel reports them, or {"error"}."""
        self._live.discard(pid)
        self._rid += 1
        self._z.send(json.dumps({"op": "wait", "id": self._rid, "pid": pid}).encode())
        return self._reply(self._rid)

    def run_program(self, src, stdin="", **kw):
        """Run a whole program with stdin in a fresh candidate (see program.py): {status, exit_code, stdout, …}."""
        self.stats["programs"] = self.stats.get("programs", 0) + 1
        return program.run(self, src, stdin, **kw)

    def kill_candidate(self, cand):
        """Kill a candidate (pid 1 of its pid namespace: everything it started dies with it) and wait until it is
        gone, so the next candidate never overlaps it."""
        t0 = time.perf_counter()
        try:
            self._kill(cand)
        finally:
            self.stats["kill_ms"] = self.stats.get("kill_ms", 0) + (time.perf_counter() - t0) * 1000

    def _kill(self, cand):
        # Not waited for: a SIGKILLed process runs no more user code, and tearing down its namespaces (IPC and
        # mount: RCU grace periods) takes milliseconds of wall time that need not block the next test. The
        # zygote reaps it with the next request, and the end-of-job sweep waits for every candidate.
        try:
            os.kill(cand.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        os.close(cand.pidfd)
        self._live.discard(cand.pid)
        self._reap.append(cand.pid)

    def run_candidate(self, fn, payload, hard_timeout, on_record=None):
        """Run a kind's own module-level function `fn(chan, payload)` in a fresh candidate (candidate hygiene for
        code that runs untrusted programs itself, e.g. the program kind). Returns {"status": "done"|"killed"|
        "crashed", "records": n, "elapsed": s}. Records are untrusted."""
        if not getattr(sys.modules.get(fn.__module__), "CANDIDATE_SIDE", False):
            raise RuntimeError(f"{fn.__module__} must set CANDIDATE_SIDE = True to run its functions in candidates "
                               "(so it is loaded before the zygote forks)")
        name = f"{fn.__module__}:{fn.__qualname__}"
        t0 = time.monotonic()
        pid, pidfd, fd = self.spawn("run", {"fn": name, "payload": payload})
        conn = wire.Conn(fd, self.max_frame)
        out = {"status": "crashed", "records": 0}

        class _C:
            pass

        c = _C()
        c.pid, c.pidfd = pid, pidfd
        try:
            while True:
                try:
                    m = conn.recv(time.monotonic() + hard_timeout)
                except TimeoutError:
                    out["status"] = "killed"
                    break
                except wire.WireError:
                    break
                if type(m) is dict and m.get("op") == "rec":
                    out["records"] += 1
                    if on_record is not None:
                        on_record(m.get("r"))
                elif type(m) is dict and m.get("op") == "done":
                    out["status"] = "done"
                    break
        finally:
            self.kill_candidate(c)
            os.close(fd)
        out["elapsed"] = time.monotonic() - t0
        return out

    def reference(self, program, timeout, mode="unittest", hard_timeout=None):
        """Reference verdicts (forgeable by design, for parity studies only): the program runs in one interpreter
        in a fresh candidate, which reports wasSuccessful itself."""
        pid, pidfd, fd = self.spawn("reference", {})
        conn = wire.Conn(fd, self.max_frame)

        class _C:
            pass

        c = _C()
        c.pid, c.pidfd = pid, pidfd
        try:
            conn.send({"program": program, "timeout": timeout, "mode": mode})
            try:
                return conn.recv(time.monotonic() + (hard_timeout or 2 * timeout + 0.5))
            except TimeoutError:
                return {"killed": True}
            except wire.WireError:
                return {"crashed": True}
        finally:
            self.kill_candidate(c)
            os.close(fd)
