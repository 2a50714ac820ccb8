"""Reference oracle: CodeT's consensus-set ranking (microsoft/CodeT, CodeT/src/agreement.py
DualAgreement.get_sorted_solutions_without_iter and src/evaluation.py get_result_of_sorted_solutions
at top-1), re-implemented for the parity test of the `codet` strategy. Not part of the product.

Per problem: solutions passing exactly the same test cases form a consensus set (solutions passing
nothing are left out); a set scores len(cases) * sqrt(len(solutions)); sets are sorted by score
(stable, descending); consecutive equal scores are merged with the first; pass@1 of that merged group
is correct/len. A problem where nobody passes anything falls back to random pass@1 over all samples.

For k > 1 (get_result_of_sorted_solutions with topk = k): one pick from each of the top k merged
groups, or, with fewer groups, extra picks round-robin from the top; pass@k = 1 - prod(wrong^picks).

stdin: JSON {"ks": [k...], "problems": [{"passing": [[test ids] per solution], "labels": [bool...]}]}
stdout: JSON [[pass@k for each k] per problem]
"""
import json
import math
import sys


def estimator(n, c, k):
    # comb(n - c, k) / comb(n, k), as CodeT's _estimator (product form, plain floats here)
    if n - c < k:
        return 0.0
    p = 1.0
    for i in range(n - c + 1, n + 1):
        p *= 1.0 - k / i
    return p


def pass_at_k(passing, labels, k):
    sets = {}
    for sol, cases in enumerate(passing):
        if not cases:
            continue
        key = tuple(sorted(cases))
        sets.setdefault(key, []).append(sol)
    if not sets:
        return 1 - estimator(len(labels), sum(labels), k)
    scored = [(sols, len(cases) * math.sqrt(len(sols))) for cases, sols in sets.items()]
    scored = sorted(scored, key=lambda x: x[1], reverse=True)
    merged = [(list(scored[0][0]), scored[0][1])]
    for sols, score in scored[1:]:
        if score == merged[-1][1]:
            merged[-1] = (merged[-1][0] + sols, score)
        else:
            merged.append((list(sols), score))
    if len(merged) >= k:
        picks = [(sols, 1) for sols, _ in merged[:k]]
    else:
        counts = [1] * len(merged)
        for i in range(k - len(merged)):
            counts[i % len(merged)] += 1
        picks = [(sols, counts[i]) for i, (sols, _) in enumerate(merged)]
    wrong = 1.0
    for sols, count in picks:
        correct = sum(1 for s in sols if labels[s])
        wrong *= pow(estimator(len(sols), correct, 1), count)
    return 1 - wrong


def main():
    data = json.load(sys.stdin)
    out = [[pass_at_k(p["passing"], p["labels"], k) for k in data["ks"]] for p in data["problems"]]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
