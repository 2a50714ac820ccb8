"""IO and state hygiene of the `labels` kind (labels.py): what one program could leak into the next is
restored or, when it cannot be, reported so the batch stops."""

import builtins
import io
import math
import random
import signal
import sys
import threading

# Loaded by labels.py, which registers its helpers in sys.modules in dependency order (see its `_load`); the
# timer state is read and written through the one `timers` module object, never copied.
timers = sys.modules["coderm_labels_timers"]


class _Sink(io.StringIO):
    """Output is discarded; reading raises, like the references' WriteOnlyStringIO."""

    def write(self, s):
        return len(s)

    def read(self, *a, **k):
        raise IOError

    def readline(self, *a, **k):
        raise IOError

    def readlines(self, *a, **k):
        raise IOError

    def readable(self, *a, **k):
        return False


class _State:
    """What one program could leak into the next; restored or, when it cannot be, reported dirty."""

    def __init__(self):
        self.streams = (sys.stdout, sys.stderr, sys.stdin)
        self.recursion = sys.getrecursionlimit()
        self.digits = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else None
        self.random = random.getstate()
        self.builtins = dict(vars(builtins))
        self.modules = set(sys.modules)
        self.threads = threading.active_count()

    def enter(self):
        sink = _Sink()
        sys.stdout, sys.stderr, sys.stdin = sink, sink, sink
        random.setstate(self.random)
        signal.signal(signal.SIGALRM, timers._on_alarm)
        signal.signal(signal.SIGPROF, timers._on_prof)

    def leave(self):
        """Restore; return a reason when the interpreter is no longer clean."""
        timers._disarm()
        sys.stdout, sys.stderr, sys.stdin = self.streams
        reason = None
        if sys.getrecursionlimit() != self.recursion:
            sys.setrecursionlimit(self.recursion)
        if self.digits is not None and sys.get_int_max_str_digits() != self.digits:
            sys.set_int_max_str_digits(self.digits)
        current = vars(builtins)
        if len(current) != len(self.builtins) or any(
            current.get(k, _MISSING) is not v for k, v in self.builtins.items()
        ):
            reason = "builtins changed"
        elif threading.active_count() != self.threads:
            reason = "threads left running"
        elif signal.getsignal(signal.SIGALRM) is not timers._on_alarm:
            reason = "signal handler changed"
        else:
            # A program that imported and patched a module could affect the next; new imports are fine.
            for name in ("math", "itertools", "functools", "collections", "re", "string", "heapq"):
                mod = sys.modules.get(name)
                if mod is not None and getattr(mod, "__dict__", None) is not None:
                    snap = _MODULE_SNAPSHOTS.get(name)
                    if snap is not None and any(mod.__dict__.get(k, _MISSING) is not v for k, v in snap.items()):
                        reason = f"module {name} patched"
                        break
        return reason


_MISSING = object()
_MODULE_SNAPSHOTS = {}


def _snapshot_modules():
    import collections
    import functools
    import heapq
    import itertools
    import re
    import string

    for mod in (math, itertools, functools, collections, re, string, heapq):
        _MODULE_SNAPSHOTS[mod.__name__] = dict(mod.__dict__)


def _frames():
    f, n = sys._getframe(1), 0
    while f is not None:
        n, f = n + 1, f.f_back
    return n
