"""The faithful EvalPlus checker for bench/label.ts: EvalPlus's own `untrusted_check` (vendored unchanged in
./evalplus, see its README) driven the way `evalplus/evaluate.py` drives it. Not part of the product.

`get_groundtruth` and `check_correctness` below are copied from evalplus/evaluate.py (that module imports the
code generators, tqdm and termcolor, so it is not importable here); the data loading mirrors
`get_human_eval_plus` / `get_mbpp_plus` (MBPP+ inputs deserialized). Samples run on a ProcessPoolExecutor of
`parallel` workers (EvalPlus's default is cpu_count() // 2; the bench passes coderm's worker count).

Usage: python evalplus_check.py DATASET.jsonl[.gz] SAMPLES.jsonl OUT.jsonl [MIN_TIME_LIMIT] [PARALLEL] [details]
SAMPLES: {task_id, index, solution}. OUT: {task_id, index, base_status, plus_status, base_fail, plus_fail}, where
*_fail is the index (in EvalPlus's order) of the first failing input, or null. The last stdout line is JSON
timings: oracle_gt_seconds (expected outputs) and oracle_check_seconds (the checking, what the bench compares).
"""

import gzip
import json
import os
import sys
import time
import types
from concurrent.futures import ProcessPoolExecutor, as_completed

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "evalplus"))

try:
    import psutil  # noqa: F401
except ImportError:  # EvalPlus reads only psutil.virtual_memory().total
    _total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    sys.modules["psutil"] = types.SimpleNamespace(virtual_memory=lambda: types.SimpleNamespace(total=_total))

from evalplus.config import DEFAULT_GT_TIME_LIMIT_FACTOR, DEFAULT_MIN_TIME_LIMIT  # noqa: E402
from evalplus.data.mbpp import mbpp_deserialize_inputs  # noqa: E402
from evalplus.eval import untrusted_check  # noqa: E402
from evalplus.eval._special_oracle import MBPP_OUTPUT_NOT_NONE_TASKS  # noqa: E402
from evalplus.gen.util import trusted_exec  # noqa: E402


# evalplus/evaluate.py get_groundtruth, without its cache file.
def get_groundtruth(problems, tasks_only_output_not_none):
    expected_output = {}
    for task_id, problem in problems.items():
        oracle = {}
        oracle["base"], oracle["base_time"] = trusted_exec(
            problem["prompt"] + problem["canonical_solution"],
            problem["base_input"],
            problem["entry_point"],
            record_time=True,
            output_not_none=problem["entry_point"] in tasks_only_output_not_none,
        )

        oracle["plus"], oracle["plus_time"] = trusted_exec(
            problem["prompt"] + problem["canonical_solution"],
            problem["plus_input"],
            problem["entry_point"],
            record_time=True,
            output_not_none=problem["entry_point"] in tasks_only_output_not_none,
        )
        expected_output[task_id] = oracle
    return expected_output


# evalplus/evaluate.py check_correctness (completion_id/identifier kept as the sample's index).
def check_correctness(
    dataset,
    completion_id,
    problem,
    solution,
    expected_output,
    base_only=False,
    fast_check=False,
    identifier=None,
    min_time_limit=DEFAULT_MIN_TIME_LIMIT,
    gt_time_limit_factor=DEFAULT_GT_TIME_LIMIT_FACTOR,
):
    ret = {
        "completion_id": completion_id,
        "task_id": problem["task_id"],
        "_identifier": identifier,
        "solution": solution,
    }
    ret["base"] = untrusted_check(
        dataset,
        solution,
        problem["base_input"],
        problem["entry_point"],
        expected=expected_output["base"],
        atol=problem["atol"],
        ref_time=expected_output["base_time"],
        fast_check=fast_check,
        min_time_limit=min_time_limit,
        gt_time_limit_factor=gt_time_limit_factor,
    )

    if not base_only:
        ret["plus"] = untrusted_check(
            dataset,
            solution,
            problem["plus_input"],
            problem["entry_point"],
            expected=expected_output["plus"],
            atol=problem["atol"],
            ref_time=expected_output["plus_time"],
            fast_check=fast_check,
            min_time_limit=min_time_limit,
            gt_time_limit_factor=gt_time_limit_factor,
        )

    return ret


def first_fail(stat, details):
    if stat == "pass":
        return None
    details = list(details)
    return details.index(False) if False in details else len(details)


def main():
    data_file, samples_file, out_file = sys.argv[1:4]
    min_time_limit = float(sys.argv[4]) if len(sys.argv) > 4 else DEFAULT_MIN_TIME_LIMIT
    parallel = int(sys.argv[5]) if len(sys.argv) > 5 else max(1, os.cpu_count() // 2)
    details = len(sys.argv) > 6 and sys.argv[6] == "details"
    opener = gzip.open if data_file.endswith(".gz") else open
    problems = {}
    with opener(data_file, "rt") as f:
        for line in f:
            if line.strip():
                t = json.loads(line)
                problems[t["task_id"]] = t
    dataset = "mbpp" if any(k.startswith("Mbpp/") for k in problems) else "humaneval"
    samples = [json.loads(line) for line in open(samples_file) if line.strip()]
    needed = {s["task_id"] for s in samples}
    problems = {k: v for k, v in problems.items() if k in needed}
    if dataset == "mbpp":  # get_mbpp_plus
        for task_id, task in problems.items():
            task["base_input"] = mbpp_deserialize_inputs(task_id, task["base_input"])
            task["plus_input"] = mbpp_deserialize_inputs(task_id, task["plus_input"])
    t0 = time.time()
    expected = get_groundtruth(problems, MBPP_OUTPUT_NOT_NONE_TASKS if dataset == "mbpp" else [])
    gt = time.time() - t0
    t1 = time.time()
    results = []
    with ProcessPoolExecutor(max_workers=parallel) as ex:
        futures = [
            ex.submit(check_correctness, dataset, s["index"], problems[s["task_id"]], s["solution"],
                      expected[s["task_id"]], False, not details, s["index"], min_time_limit)
            for s in samples
        ]
        for fut in as_completed(futures):
            r = fut.result()
            (bs, bd), (ps, pd) = r["base"], r["plus"]
            results.append({"task_id": r["task_id"], "index": r["completion_id"], "base_status": bs,
                            "plus_status": ps, "base_fail": first_fail(bs, bd), "plus_fail": first_fail(ps, pd)})
    seconds = time.time() - t1
    with open(out_file, "w") as f:
        for r in results:
            f.write(json.dumps(r) + "\n")
    print(json.dumps({"oracle_gt_seconds": gt, "oracle_check_seconds": seconds, "dataset": dataset}))


if __name__ == "__main__":
    main()
