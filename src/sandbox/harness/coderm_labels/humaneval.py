"""HumanEval `check(candidate)` (openai/human-eval `execution.py` `check_correctness`; CodeT's ground truth with
0.1 s): solution + test + `check(entry_point)` under one time limit; passed when it raises nothing.

Here the solution loads in a candidate and the test runs in the judge: `check` gets the proxy of the entry
point. The names the test reads are the problem's prompt's, executed here (the dataset's own helpers, such as
`poly` for find_zero or `encode_cyclic` for decode_cyclic: a solution redefining them cannot make its answers
right), then the solution's other names (proxies; a builtin it redefines is `unsupported` when the test uses
it). The time limit covers the solution's load and the check: wall clock from the load on, or with `clock:
"cpu"` the judge's plus the candidate's CPU time, wall time bounding it at limit + `grace`. A result is the
reference's string: "passed", "timed out" or "failed: <exception name>" ("failed: crash" when the candidate
died, "failed: unsupported" when the split could not carry what the test did).
"""
import random

import judge
from coderm_labels import common
from forkrun import TimeoutException, arm_alarm, disarm_alarm

# The test's random draws (HumanEval/53's check) are the same for every program and every run.
SEED = 0


def _trusted(prompt, entry):
    """The prompt's names, defined by the dataset's own code run here; the entry point's stub is left out.
    A prompt ending in a bare signature gets a `pass` body; one that still does not run gives no names (the
    test then reads the solution's, counted as `prompt_unused`)."""
    if not prompt.strip():
        return {}, True
    for text in (prompt, prompt.rstrip() + "\n    pass\n"):
        g = {}
        try:
            exec(compile(text, "<prompt>", "exec", dont_inherit=True), g)  # noqa: S102 - the dataset's prompt
        except Exception:  # noqa: BLE001 - not runnable alone
            continue
        g.pop("__builtins__", None)
        g.pop(entry, None)
        return g, True
    return {}, False


def _namespace(cand, trusted, entry, split):
    ns = cand.namespace()
    if any(k in ns for k in trusted):
        split.add("prompt_names")  # the test uses the prompt's helpers, not the solution's copies
    ns.update(trusted)
    if entry in cand.names:
        ns[entry] = cand.ref(entry)  # bound as itself even if it shadows a builtin: the test calls it
    else:
        ns.pop(entry, None)
    cand.test_ns = ns
    return ns


def _verdict(ctx, solution, code, trusted, entry, split, over):
    """The check's result string; the caller's alarm bounds the load and the check, and `over()` says whether
    the CPU time spent passed the limit (read while the candidate still runs)."""
    cand = ctx.candidate(common.guarded(solution))
    try:
        why = common.load_failure(cand)
        if why is not None:
            if why == "crash":
                split.add("crash")
            return "timed out" if why == "timeout" else f"failed: {why}"
        ns = _namespace(cand, trusted, entry, split)
        judge.reset_pair()
        try:
            exec(code, ns)  # noqa: S102 - the dataset's test and check call, in the judge
            result = "passed"
        except TimeoutException:
            result = "timed out"
        except judge.CandidateCrash:
            result = "failed: crash"
        except judge.Unsupported:
            result = "failed: unsupported"
        except BaseException as e:  # noqa: BLE001 - the reference records any failure by its name
            result = f"failed: {type(e).__name__}"
        flag = split.flags()
        if flag is not None and result == "passed":
            result = f"failed: {flag}"  # refused or died inside the test, whatever the test caught
        if result == "passed" and over():
            result = "timed out"
        return result
    finally:
        cand.close()


def _one(ctx, solution, code, trusted, entry, o, split):
    """One solution under one limit covering its load and the check (human-eval's single time_limit)."""
    clock = common.Clock(o["cpu"])
    limit, grace = o["timeout"], o["grace"]
    used = clock.cpu_live(ctx) if o["cpu"] else None
    state = random.getstate()
    random.seed(SEED)
    try:
        arm_alarm(limit, cpu=used, wall_s=limit + grace)
        result = _verdict(ctx, solution, code, trusted, entry, split, lambda: used is not None and used() > limit)
        disarm_alarm()
    except TimeoutException:  # between the load and the check
        disarm_alarm()
        result = "timed out"
    finally:
        disarm_alarm()
        random.setstate(state)
    if result == "passed" and clock.wall() > limit + grace:
        result = "timed out"
    return result


def program_check(call, ctx):
    """`solutions` of one problem against its `test` (`prompt`, `entry_point`); `timeout` (default 3, human-eval's),
    `clock` ("wall" or "cpu"), `grace` (the reference's process join: limit + grace)."""
    o = {"timeout": float(call.get("timeout", 3.0)), "grace": float(call.get("grace", 1.0)),
         "cpu": call.get("clock") == "cpu"}
    entry, test = call["entry_point"], call["test"]
    tail = f"\n{test}\ncheck({entry})"
    code = compile(tail, "<test>", "exec", dont_inherit=True)
    trusted, usable = _trusted(call.get("prompt") or "", entry)
    split = common.Split()
    if not usable:
        split.add("prompt_unused")
    results = []
    for solution in call["solutions"]:
        # The reference compiles solution + test as one program: a solution that only compiles alone still fails.
        bad = common.compile_error(solution + tail)
        result = f"failed: {bad}" if bad is not None else _one(ctx, solution, code, trusted, entry, o, split)
        results.append({"result": result, "passed": result == "passed"})
        ctx.beat()
    return {"results": results, "stopped": None, "split": split.counts}
