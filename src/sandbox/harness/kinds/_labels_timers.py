"""Timers of the `labels` kind (labels.py): the per-input or per-case limit and the whole-run deadline, on
ITIMER_REAL (wall clock) or ITIMER_PROF (the "cpu" clock), and the signal handlers that turn them into exceptions.

The timer state below is module state that the handlers read: other modules use it as `timers._clock_cpu` etc.
through this one module object (labels.py loads it once), never as a copy.
"""

import signal
import time

_LIMIT = 0  # what the armed ITIMER_REAL means
_DEADLINE = 1


class TimeLimit(Exception):
    """A per-input or per-case limit: an Exception, like evalplus's and CodeT's TimeoutException."""


class Deadline(BaseException):
    """The whole-run budget (the reference's process join timeout); not an Exception so `except
    Exception` in candidate code or in CodeT's packed cases does not swallow it."""


_alarm_kind = _LIMIT
# With the "cpu" clock, limits count this process's CPU time (ITIMER_PROF) and wall time only bounds the
# whole run: a 0.1 s wall limit means ~10 ms of CPU on a machine with load 20, and labels would then depend
# on what else runs. The references were measured on idle machines, where CPU and wall time coincide.
_clock_cpu = False


# With the cpu clock, a whole-run CPU budget (process_time() bound) may also be set; ITIMER_PROF then
# serves whichever of the per-input limit and that budget comes first, and `_prof_kind` says which.
_cpu_deadline = None
_prof_kind = _LIMIT


# Whether a per-input limit is live. The EvalPlus loop leaves a limit timer running after the call
# returns instead of paying a syscall to stop it; a limit alarm arriving then is stale and ignored.
_in_call = False


def _on_prof(signum, frame):
    if _prof_kind == _DEADLINE:
        raise Deadline()
    if _in_call:
        raise TimeLimit("Timed out!")


def _on_alarm(signum, frame):
    if _alarm_kind == _DEADLINE:
        raise Deadline()
    if _in_call:
        raise TimeLimit("Timed out!")


def _arm(seconds, deadline):
    """Arm the per-input limit, or the run deadline when that comes first."""
    global _alarm_kind, _prof_kind, _in_call
    _in_call = True
    left = deadline - time.perf_counter()
    if left <= 0:
        raise Deadline()
    if _clock_cpu:
        _alarm_kind = _DEADLINE
        signal.setitimer(signal.ITIMER_REAL, left)
        _prof_kind = _LIMIT
        if _cpu_deadline is not None:
            cpu_left = _cpu_deadline - time.process_time()
            if cpu_left <= 0:
                raise Deadline()
            if cpu_left < seconds:
                _prof_kind, seconds = _DEADLINE, cpu_left
        signal.setitimer(signal.ITIMER_PROF, seconds)
        return
    if seconds < left:
        _alarm_kind = _LIMIT
        signal.setitimer(signal.ITIMER_REAL, seconds)
    else:
        _alarm_kind = _DEADLINE
        signal.setitimer(signal.ITIMER_REAL, left)


def _arm_deadline(deadline):
    global _alarm_kind
    left = deadline - time.perf_counter()
    if left <= 0:
        raise Deadline()
    _alarm_kind = _DEADLINE
    signal.setitimer(signal.ITIMER_REAL, left)


def _arm_input(seconds, deadline):
    """`_arm` for the EvalPlus loop: one syscall per input. With the cpu clock the wall deadline stays
    armed from the start of the set and only the CPU limit is set; with the wall clock `_end_input`
    puts the deadline back after the call."""
    global _alarm_kind, _prof_kind, _in_call
    if _clock_cpu:
        _prof_kind = _LIMIT
        if _cpu_deadline is not None:
            cpu_left = _cpu_deadline - time.process_time()
            if cpu_left <= 0:
                raise Deadline()
            if cpu_left < seconds:
                _prof_kind, seconds = _DEADLINE, cpu_left
        # Timer first: a stale alarm of the previous input can no longer arrive once it is replaced.
        signal.setitimer(signal.ITIMER_PROF, seconds)
        _in_call = True
        return
    left = deadline - time.perf_counter()
    if left <= 0:
        raise Deadline()
    if seconds < left:
        _alarm_kind = _LIMIT
    else:
        _alarm_kind, seconds = _DEADLINE, left
    signal.setitimer(signal.ITIMER_REAL, seconds)
    _in_call = True


def _end_input(deadline):
    global _in_call
    _in_call = False
    if not _clock_cpu:
        _arm_deadline(deadline)


def _disarm():
    global _in_call
    _in_call = False
    signal.setitimer(signal.ITIMER_REAL, 0)
    if _clock_cpu:
        signal.setitimer(signal.ITIMER_PROF, 0)


def _set_clock(job):
    global _clock_cpu
    _clock_cpu = job.get("clock") == "cpu"


def _settle(fn, on_alarm):
    """Run fn; an alarm that lands in our own bookkeeping after the candidate returned (in an except or
    finally clause, before the timer was cleared) ends up here instead of escaping the job. The timers
    are one-shot, so at most one such stray can arrive per arming."""
    try:
        return fn()
    except (TimeLimit, Deadline):
        _disarm()
        return on_alarm
