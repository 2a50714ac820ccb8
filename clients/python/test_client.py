"""Drives coderm_client against a running server the way verl and TRL call it.

Run by test/serve/python-client.test.ts with Debian /usr/bin/python3:
    CODERM_URL=http://127.0.0.1:PORT CODERM_TOKEN=... python3 test_client.py TASKS.json
TASKS.json holds real HumanEval+ tasks: a right and a wrong solution each, unittest ground truth
(function form) and verl's {"inputs", "outputs"} ground truth (stdin form). Prints one JSON line.
"""

import asyncio
import json
import sys

import coderm_client as cc


def md(code: str) -> str:
    return f"Solution:\n```python\n{code}\n```\n"


def main() -> None:
    tasks = json.load(open(sys.argv[1]))
    out = {"verl_function": [], "verl_stdin": [], "trl": [], "verl_async": None, "errors": []}
    for t in tasks:
        gt = {"tests": t["tests"], "format": "unittest"}
        out["verl_function"].append([
            cc.compute_score("humaneval+", md(t["right"]), gt),
            cc.compute_score("humaneval+", md(t["wrong"]), json.dumps(gt)),
        ])
        stdin_gt = {"inputs": t["inputs"], "outputs": t["outputs"]}
        out["verl_stdin"].append([
            cc.compute_score("humaneval+", md(t["right_program"]), stdin_gt),
            cc.compute_score("humaneval+", md(t["wrong_program"]), json.dumps(stdin_gt)),
        ])
    # TRL: 2 prompts x 3 generations; the same prompt's completions are one group and get the CodeRM vote.
    prompts, completions, tests = [], [], []
    for t in tasks:
        for code in (t["right"], t["wrong"], t["right"]):
            prompts.append(t["prompt"])
            completions.append([{"role": "assistant", "content": md(code)}])
            tests.append({"tests": t["tests"]})
    out["trl"] = cc.grpo_reward(prompts, completions, tests=tests)
    out["verl_async"] = asyncio.run(cc.acompute_score("humaneval+", md(tasks[0]["right"]),
                                                      {"tests": tasks[0]["tests"]},
                                                      extra_info={"group_id": "a", "group_size": 1}))
    try:
        cc.compute_score("x", "pass", {"tests": []})
    except cc.CodermError as e:
        out["errors"].append([e.status, str(e)])
    print(json.dumps(out))


if __name__ == "__main__":
    main()
