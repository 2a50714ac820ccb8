"""Reference oracle: CodeRM's best-of-n selection protocol (RUCKBReasoning/CodeRM,
evaluation/calculate_result.py, calc_best_of_n), re-implemented in plain Python for the parity test
of src/evaluate/metrics/best-of-n.ts. Not part of the product.

Faithful to the reference except for one thing: instead of `random.shuffle(ut_ids)` per problem, the
shuffled test-id order of each (problem, sample) is read from the input, so both sides see the same
draws. Results are keyed "task-sol-ut" with string verdicts; a missing key is a fail; labels are
"pass"/"fail" strings keyed "task-sol", as in the reference.

usage: reference_select.py INPUT.json  ->  JSON on stdout
INPUT: {"configs": [[sol_num, ut_num], ...],
        "problems": [{"task_id", "results": [[sol, ut, verdict], ...], "labels": ["pass"|"fail", ...],
                      "orders": [[ut ids...] per sample]}]}
OUTPUT: {"results": [{"credits": {task_id: [credit per sample]}, "sample_means": [...],
                      "rounded": [...]} per config]}
"""
import json
import sys


def select_credit(task_id, sol_num, ut_num, ut_ids, task_sol_results, task_sol_ut_results):
    sol_ids = list(range(sol_num))
    sol_pass_ut_set = dict()
    for i in range(sol_num):
        sol_id = sol_ids[i]
        for j in range(ut_num):
            ut_id = ut_ids[j]
            if sol_id not in sol_pass_ut_set:
                sol_pass_ut_set[sol_id] = set()
            key = f"{task_id}-{sol_id}-{ut_id}"
            if key in task_sol_ut_results and task_sol_ut_results[key] == "pass":
                sol_pass_ut_set[sol_id].add(ut_id)

    # Rerank by passed-test count; Python's sort is stable, so ties keep solution order.
    ranked = sorted(sol_pass_ut_set.items(), key=lambda item: len(item[1]), reverse=True)
    top = len(ranked[0][1])
    top_list = []
    for value in ranked:
        if len(value[1]) == top:
            top_list.append(value)
        else:
            break

    selected = []
    max_consistency = 0
    for v1 in top_list:
        consistency = sum(1 for v2 in top_list if v1[1] == v2[1])
        if consistency > max_consistency:
            selected = [v1[0]]
            max_consistency = consistency
        elif consistency == max_consistency:
            selected.append(v1[0])

    correct = sum(1 for v in selected if task_sol_results[f"{task_id}-{v}"] == "pass")
    return correct / len(selected)


def main():
    with open(sys.argv[1]) as f:
        data = json.load(f)
    task_sol_results = {}
    task_sol_ut_results = {}
    for p in data["problems"]:
        tid = p["task_id"]
        for sol, label in enumerate(p["labels"]):
            task_sol_results[f"{tid}-{sol}"] = label
        for sol, ut, verdict in p["results"]:
            task_sol_ut_results[f"{tid}-{sol}-{ut}"] = verdict

    out = []
    for sol_num, ut_num in data["configs"]:
        samples = len(data["problems"][0]["orders"]) if data["problems"] else 0
        credits = {p["task_id"]: [] for p in data["problems"]}
        sample_means = []
        rounded = []
        for s in range(samples):
            accuracy = 0
            for p in data["problems"]:
                c = select_credit(p["task_id"], sol_num, ut_num, p["orders"][s], task_sol_results,
                                  task_sol_ut_results)
                credits[p["task_id"]].append(c)
                accuracy += c
            sample_means.append(accuracy / len(data["problems"]))
            rounded.append(round(accuracy / len(data["problems"]), 4))
        out.append({"credits": credits, "sample_means": sample_means, "rounded": rounded})
    json.dump({"results": out}, sys.stdout)


if __name__ == "__main__":
    main()
