"""Kind `program`: one whole program run on many stdin cases (each in a fresh candidate); the judge compares.

Job: {"program": src, "tests": [{"key", "stdin", "expected"?}], "timeout" (s per case), "memory_mb", "files"
({path: base64}), "out_cap" (bytes), "compare": "exact" | "lines" | "tokens", "stop_at_first_failure"}.
Expected outputs stay in the judge: the candidate gets only the program, its files and one case's stdin.
Per case the record carries the program's result (status, exit code, stdout, stderr, times, truncated); stdout
is left out of a case that passed a comparison (the caller already has it).
"""
JUDGE_SIDE = True


def same(got, want, mode):
    """The rule a stdout is compared by: `exact` bytes; `lines` ignores trailing whitespace on each line and
    trailing blank lines (what most judges accept); `tokens` compares whitespace-separated tokens."""
    if mode == "exact":
        return got == want
    if mode == "tokens":
        return got.split() == want.split()
    return [ln.rstrip() for ln in got.rstrip().splitlines()] == [ln.rstrip() for ln in want.rstrip().splitlines()]


_VERDICT = {"ok": "pass", "error": "error", "timeout": "timeout", "memory": "error", "crash": "crash"}


def run(job, ctx):
    src = job["program"]
    timeout = float(job.get("timeout", 2.0))
    mode = job.get("compare", "lines")
    kw = {"timeout_s": timeout, "memory_mb": job.get("memory_mb"), "files": job.get("files")}
    if job.get("out_cap"):
        kw["out_cap"] = int(job["out_cap"])
    failed = False
    for t in job["tests"]:
        if failed and job.get("stop_at_first_failure"):
            ctx.emit({"key": t["key"], "verdict": "fail", "cases": [], "ms": 0, "skipped": True})
            continue
        res = ctx.run_program(src, t.get("stdin", ""), **kw)
        verdict = _VERDICT[res["status"]]
        want = t.get("expected")
        if verdict == "pass" and want is not None:
            verdict = "pass" if not res["truncated"] and same(res["stdout"], want, mode) else "fail"
            if verdict == "pass":
                res["stdout"] = None
        failed = failed or verdict != "pass"
        ctx.emit({"key": t["key"], "verdict": verdict, "cases": [], "ms": res["time_ms"], "program": res})
        ctx.beat()
