"""Kind `labels`: ground-truth labels for HumanEval `check(candidate)` (`program_check`), CodeT assert cases
(`codet_cases`) and LiveCodeBench (`lcb_check`), on the judge/candidate split. The rules are in the
`coderm_labels` package (harness/coderm_labels/); this is the sandbox's entry, called through `Sandbox.call`
with `job["call"]["op"]` naming the operation. One job carries one task and a batch of programs; each program
runs in its own candidate and never sees the tests or the expected outputs."""
import coderm_labels

JUDGE_SIDE = True
OPS = coderm_labels.OPS


def run(job, ctx):
    coderm_labels.run_call(job, ctx, OPS, "labels")
