"""State a batch child must not carry from one test to the next.

Restores what can be restored (the unittest machinery, builtins, the globals' names) and fingerprints what
cannot (objects the solution's globals reach, interpreter knobs, cwd, scratch files, threads, environment).
When the fingerprint after a test differs from the one after load, the child stops and the worker forks a
fresh one for the remaining tests: batching never changes a verdict through leaked state it can see.
"""
import builtins
import functools
import gc
import os
import sys
import types
import unittest
import unittest.case
import unittest.loader
import unittest.result
import unittest.suite
import unittest.util
import warnings

_SNAPSHOTS = []


def _capture(obj):
    _SNAPSHOTS.append((obj, dict(vars(obj))))


for _m in (unittest, unittest.case, unittest.suite, unittest.result, unittest.loader, unittest.util):
    _capture(_m)
for _c in (unittest.case.TestCase, unittest.case._Outcome, unittest.result.TestResult, unittest.suite.TestSuite,
           unittest.suite.BaseTestSuite, unittest.loader.TestLoader, unittest.case._AssertRaisesContext,
           unittest.case._AssertRaisesBaseContext):
    _capture(_c)
_BUILTINS = dict(vars(builtins))
_setattr, _delattr, _vars, _list = setattr, delattr, vars, list


def restore():
    """Undo patches of unittest and builtins (by name; objects mutated in place are the fingerprint's job)."""
    for obj, snap in _SNAPSHOTS:
        cur = _vars(obj)
        if isinstance(obj, types.ModuleType):
            for k in [k for k in cur if k not in snap]:
                del cur[k]
            for k, v in snap.items():
                if cur.get(k, cur) is not v:
                    cur[k] = v
        else:
            for k in [k for k in cur if k not in snap]:
                _delattr(obj, k)
            for k, v in snap.items():
                if cur.get(k, cur) is not v:
                    _setattr(obj, k, v)
    b = _vars(builtins)
    if len(b) != len(_BUILTINS) or any(b.get(k, b) is not v for k, v in _BUILTINS.items()):
        for k in [k for k in b if k not in _BUILTINS]:
            del b[k]
        b.update(_BUILTINS)
    sys.settrace(None)
    sys.setprofile(None)


class Unsafe(Exception):
    """Some object the solution can reach cannot be fingerprinted: do not batch this solution."""


_PLAIN = (type(None), bool, int, float, complex, str, bytes, range)
_MODULES = ("math", "random", "os", "re", "itertools", "functools", "collections", "heapq", "string", "bisect",
            "operator", "json", "statistics", "fractions", "typing")
_OPAQUE_MODULES = frozenset({"typing", "re", "types", "abc", "collections.abc", "_collections_abc", "enum"})
_LRU = type(functools.lru_cache()(lambda: None))


def _sig(v, budget):
    budget[0] -= 1
    if budget[0] < 0:
        raise Unsafe("too large")
    t = type(v)
    if t in _PLAIN:
        return v if t is not float or v == v else "nan"
    if t in (list, tuple, set, frozenset):
        if t in (set, frozenset):
            budget[0] -= len(v)
            return (t.__name__, id(v), len(v), hash(frozenset(v)))
        return (t.__name__, id(v), tuple([_sig(x, budget) for x in v]))
    if t is dict:
        return ("dict", id(v), tuple((_sig(k, budget), _sig(x, budget)) for k, x in v.items()))
    if t is types.FunctionType:
        cells = tuple(_sig(c.cell_contents, budget) if _cell_full(c) else None for c in v.__closure__ or ())
        return ("fn", id(v.__code__), _sig(v.__defaults__, budget), _sig(v.__kwdefaults__, budget),
                _sig(v.__dict__, budget), cells)
    if t is types.ModuleType:
        return ("mod", id(v), len(vars(v)), hash(tuple(map(id, vars(v).values()))))
    if t in (types.BuiltinFunctionType, types.MethodWrapperType, types.WrapperDescriptorType):
        return ("builtin", id(v))
    if t is _LRU:
        return ("lru", _sig(v.__wrapped__, budget))
    if t in (staticmethod, classmethod):
        return (t.__name__, _sig(v.__func__, budget))
    if t is property:
        return ("prop", _sig(v.fget, budget), _sig(v.fset, budget))
    if isinstance(v, type):
        return ("cls", id(v), tuple((k, id(x), _sig(x, budget)) for k, x in vars(v).items()
                                    if k not in ("__dict__", "__weakref__", "__doc__", "__module__")))
    if t.__module__ in _OPAQUE_MODULES or t is object:
        return ("id", id(v))  # typing aliases, compiled patterns, sentinels: immutable for our purpose
    d = getattr(v, "__dict__", None)
    if type(d) is dict and not hasattr(t, "__slots__"):
        return ("obj", id(t), _sig(d, budget))
    raise Unsafe(f"cannot fingerprint {t.__name__}")


_SKIP = frozenset({"__builtins__", "output"})


def _restored(v):
    # unittest's namespaces are put back by name before every test (restore()), so they are not compared
    return type(v) is types.ModuleType and (v.__name__ == "unittest" or v.__name__.startswith("unittest."))


def _cell_full(c):
    try:
        c.cell_contents  # noqa: B018
        return True
    except ValueError:
        return False


def fingerprint(snapshot, watch_tmp=False):
    """A comparable summary of everything a test could have changed; raises Unsafe when it cannot tell."""
    budget = [20000]
    objs = tuple((k, _sig(v, budget)) for k, v in snapshot.items() if k not in _SKIP and not _restored(v))
    mods = tuple((m, _sig(sys.modules[m], budget)) for m in _MODULES if m in sys.modules)
    dec = None
    if "decimal" in sys.modules:
        c = sys.modules["decimal"].getcontext()
        dec = (c.prec, c.rounding, c.Emin, c.Emax, c.capitals, c.clamp, tuple(c.traps.items()))
    try:
        threads = len(os.listdir("/proc/self/task"))
        pid = os.getpid()
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            threads += 1000 * len(f.read().split())  # a live subprocess is state too
    except OSError:
        threads = 0
    tmp = ()
    if watch_tmp:  # only when /tmp is private to this worker (bubblewrap); the host's /tmp changes anyway
        try:
            tmp = tuple(sorted(os.listdir("/tmp")))
        except OSError:
            pass
    knobs = (sys.getrecursionlimit(), sys.get_int_max_str_digits(), os.getcwd(), tuple(sorted(os.listdir("."))), tmp,
             threads, tuple(sorted(os.environ.items())), id(warnings.filters), len(warnings.filters),
             gc.isenabled(), dec, len(sys.path))
    return (objs, mods, knobs)


def diff(a, b):
    """Name what differs between two fingerprints (for stats and debugging)."""
    if a is None or b is None:
        return "unfingerprintable state"
    names = ("globals", "modules", "interpreter")
    for name, x, y in zip(names, a, b):
        if x != y:
            if name == "interpreter":
                labels = ("recursionlimit", "int_digits", "cwd", "scratch", "tmp", "threads/children", "environ",
                          "warnings", "warnings", "gc", "decimal", "sys.path")
                return ",".join(labels[i] for i, (p, q) in enumerate(zip(x, y)) if p != q)
            return name + ":" + ",".join(str(p[0]) for p, q in zip(x, y) if p != q)
    return ""
