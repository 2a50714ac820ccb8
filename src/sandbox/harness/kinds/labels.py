"""Kind `labels`: ground-truth labels for HumanEval `check(candidate)` (`program_check`), CodeT assert cases
(`codet_cases`) and LiveCodeBench (`lcb_check`), on the judge/candidate split. The rules are in the
`coderm_labels` package (harness/coderm_labels/); this is the sandbox's entry, called through `Sandbox.call`
with `job["call"]["op"]` naming the operation. One job carries one task and a batch of programs; each program
runs in its own candidate and never sees the tests or the expected outputs."""
import coderm_labels

JUDGE_SIDE = True
OPS = coderm_labels.OPS


def run(job, ctx):
    call = job.get("call") or {}
    op = OPS.get(call.get("op"))
    try:
        if op is None:
            raise ValueError(f"unknown labels op {call.get('op')!r}")
        ctx.emit({"key": "call", "ok": True, "result": op(call, ctx)})
    except Exception as e:  # noqa: BLE001 - the job's failure is its result
        ctx.emit({"key": "call", "ok": False, "error": f"{type(e).__name__}: {e}"[:2000]})
