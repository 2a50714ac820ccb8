"""Baselines for bench/select.ts: the reference best-of-n protocol (CodeRM calc_best_of_n semantics:
score = chosen tests passed, keep the top, keep the largest identical-pass-set groups, credit = correct
share) in plain Python, on the test orders given in the input so means compare exactly with TS.

  --impl loops  the reference's own structure: a loop over (solution, test) pairs with string-keyed
                result lookups, sets built per draw. The straightforward version.
  --impl sets   a tuned version: one Python set per solution, intersected with the drawn tests.

usage: select_baseline.py MATRIX.json [--impl loops|sets]
       -> {"seconds": CPU seconds, "sample_means": [...]}
"""
import json
import sys
import time


def keep_and_credit(sets, labels):
    top = max(len(s) for s in sets)
    tops = [i for i in range(len(sets)) if len(sets[i]) == top]
    best = 0
    kept = []
    for i in tops:
        c = sum(1 for k in tops if sets[k] == sets[i])
        if c > best:
            best, kept = c, [i]
        elif c == best:
            kept.append(i)
    return sum(1 for i in kept if i < len(labels) and labels[i]) / len(kept)


def credit_loops(task_id, results, labels, n, m, order):
    sets = []
    for sol in range(n):
        passed = set()
        for j in range(m):
            ut = order[j]
            key = f"{task_id}-{sol}-{ut}"
            if key in results and results[key] == "pass":
                passed.add(ut)
        sets.append(passed)
    return keep_and_credit(sets, labels)


def credit_sets(passing, labels, n, chosen):
    sets = [passing[i] & chosen if i < len(passing) else set() for i in range(n)]
    return keep_and_credit(sets, labels)


def main():
    with open(sys.argv[1]) as f:
        data = json.load(f)
    impl = sys.argv[sys.argv.index("--impl") + 1] if "--impl" in sys.argv else "loops"
    n, m, tasks, labels = data["n"], data["m"], data["tasks"], data["labels"]
    passing = [[set(row) for row in rows] for rows in data["passing"]]
    results = {}
    if impl == "loops":
        # Same shape as the reference's task_sol_ut_results: every pair present, "pass" or "fail".
        for t, rows in zip(tasks, passing):
            for sol, row in enumerate(rows):
                for ut in range(data["tests"]):
                    results[f"{t}-{sol}-{ut}"] = "pass" if ut in row else "fail"
    t0 = time.process_time()
    means = []
    for order in data["orders"]:
        total = 0.0
        for p, t in enumerate(tasks):
            if impl == "loops":
                total += credit_loops(t, results, labels[p], n, m, order[p])
            else:
                total += credit_sets(passing[p], labels[p], n, set(order[p][:m]))
        means.append(total / len(tasks))
    seconds = time.process_time() - t0
    json.dump({"seconds": seconds, "sample_means": means}, sys.stdout)


if __name__ == "__main__":
    main()
