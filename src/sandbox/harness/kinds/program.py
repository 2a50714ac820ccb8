"""Kind `program`: whole programs run on stdin cases (each case in a fresh candidate); the judge compares.

Job: {"program": src, "tests": [{"key", "stdin", "expected"?}], "timeout" (s per case), "memory_mb", "files"
({path: base64}), "fetch" ([path]: files to return after each run), "out_cap" (bytes), "compare": "exact" |
"lines" | "tokens", "stop_at_first_failure"}. A batch — several programs (e.g. concurrent /run_code requests) in
one job, so they share one judge and its round trips — puts those fields but "tests" in "items": [{…}] and
gives each test its "item" index; each case still runs in a fresh candidate. (The tests stay one flat list so
that the worker can rerun the ones a dead judge left, as for every kind.)
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


def _options(item):
    kw = {"timeout_s": float(item.get("timeout", 2.0)), "memory_mb": item.get("memory_mb"),
          "files": item.get("files")}
    if item.get("out_cap"):
        kw["out_cap"] = int(item["out_cap"])
    if item.get("fetch"):
        kw["fetch"] = list(item["fetch"])
    return kw


def run(job, ctx):
    items = job.get("items") or [job]
    kws = [_options(item) for item in items]
    failed = set()
    tests = job["tests"]
    for t in tests:
        b = int(t.get("item", 0))
        item, kw = items[b], kws[b]
        if b in failed and item.get("stop_at_first_failure"):
            ctx.emit({"key": t["key"], "verdict": "fail", "cases": [], "ms": 0, "skipped": True})
            continue
        # The next case's candidate is cloned and set up while this one runs (never reused: one per case), the
        # last case's for the next job.
        res = ctx.run_program(item["program"], t.get("stdin", ""), ahead=True, **kw)
        verdict = _VERDICT[res["status"]]
        want = t.get("expected")
        if verdict == "pass" and want is not None:
            verdict = "pass" if not res["truncated"] and same(res["stdout"], want, item.get("compare", "lines")) \
                else "fail"
            if verdict == "pass":
                res["stdout"] = None
        if verdict != "pass":
            failed.add(b)
        # No beat after it: the record is the sign of progress (the worker's deadline and Node's watchdog both
        # see it), and a beat cost a pipe write, a worker wake-up and a line to Node per case.
        ctx.emit({"key": t["key"], "verdict": verdict, "cases": [], "ms": res["time_ms"], "program": res})
