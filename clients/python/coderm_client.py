"""Stdlib-only client for `coderm serve`, for Python trainers (verl, TRL, OpenRLHF).

It is the one piece of Python in coderm that runs outside the sandbox: trainers are Python, and this
file must drop into any of them without installing anything. Configure with CODERM_URL (default
http://127.0.0.1:8080) and CODERM_TOKEN.

- verl:  `compute_score(data_source, solution_str, ground_truth, extra_info=None, **kw) -> float`
- TRL:   `grpo_reward(prompts, completions, **columns) -> list[float]` (GRPOTrainer reward_funcs)
- both have async forms: `acompute_score`, `agrpo_reward`.

ground_truth / a `tests` column may be: a suite id from POST /v1/suites; a list of unittest sources;
`{"tests": [...], "format": "unittest"|"assert"}`; or verl's stdin shape `{"inputs": [...], "outputs": [...]}`
(a JSON string of any of these works too).
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import os
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Optional

__all__ = ["Client", "CodermError", "compute_score", "acompute_score", "grpo_reward", "agrpo_reward"]


class CodermError(RuntimeError):
    """The server refused a request (4xx other than 429) or stayed unavailable past the retries."""

    def __init__(self, status: int, message: str):
        super().__init__(f"coderm serve: HTTP {status}: {message}")
        self.status = status


class Client:
    def __init__(self, url: Optional[str] = None, token: Optional[str] = None, timeout: float = 600.0,
                 retries: int = 8):
        self.url = (url or os.environ.get("CODERM_URL") or "http://127.0.0.1:8080").rstrip("/")
        self.token = token if token is not None else os.environ.get("CODERM_TOKEN")
        self.timeout = timeout
        self.retries = retries

    def post(self, path: str, body: dict) -> dict:
        data = json.dumps(body).encode()
        headers = {"content-type": "application/json"}
        if self.token:
            headers["authorization"] = f"Bearer {self.token}"
        for attempt in range(self.retries + 1):
            req = urllib.request.Request(self.url + path, data=data, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as r:
                    return json.loads(r.read())
            except urllib.error.HTTPError as e:
                text = e.read().decode("utf-8", "replace")
                # 429 (queue full) and 503 (draining) are the server asking us to come back.
                if e.code in (429, 503) and attempt < self.retries:
                    time.sleep(float(e.headers.get("Retry-After") or 1) * (1 + attempt * 0.5))
                    continue
                try:
                    text = json.loads(text).get("error", text)
                except ValueError:
                    pass
                raise CodermError(e.code, text) from None
        raise CodermError(503, "unavailable")  # not reached

    def suite(self, tests: list, format: str = "unittest", problem: Optional[str] = None) -> str:
        body = {"tests": tests, "format": format}
        if problem is not None:
            body["problem"] = problem
        return self.post("/v1/suites", body)["suite_id"]

    def score(self, solutions: list, tests=None, suite_id=None, strategy="coderm-vote", format=None) -> dict:
        body: dict = {"solutions": solutions, "strategy": strategy}
        body.update(_tests_fields(tests, suite_id, format))
        return self.post("/v1/score", body)

    def reward(self, solution: str, ground_truth: Any, group: Optional[dict] = None,
               strategy: Optional[str] = None) -> dict:
        body: dict = {"solution": solution, **ground_truth_fields(ground_truth)}
        if group is not None:
            body["group"] = group
        if strategy is not None:
            body["strategy"] = strategy
        return self.post("/v1/reward", body)

    def run_code(self, code: str, stdin: str = "", run_timeout: float = 10, **kw) -> dict:
        return self.post("/run_code", {"code": code, "stdin": stdin, "run_timeout": run_timeout,
                                       "language": "python", **kw})


def _tests_fields(tests, suite_id, format) -> dict:
    out: dict = {}
    if suite_id is not None:
        out["suite_id"] = suite_id
    else:
        out["tests"] = tests
    if format is not None:
        out["format"] = format
    return out


def ground_truth_fields(gt: Any) -> dict:
    """The request fields for one ground truth (see the module docstring for the accepted shapes)."""
    if isinstance(gt, (bytes, bytearray)):
        gt = gt.decode()
    if isinstance(gt, str):
        s = gt.strip()
        if s.startswith("{") or s.startswith("["):
            gt = json.loads(s)
        else:
            return {"suite_id": s}
    if isinstance(gt, list):
        return {"tests": gt}
    if isinstance(gt, dict):
        if "suite_id" in gt:
            return {"suite_id": gt["suite_id"]}
        if "inputs" in gt and "outputs" in gt:
            return {"cases": [{"stdin": str(i), "expected": str(o)} for i, o in zip(gt["inputs"], gt["outputs"])]}
        if "tests" in gt:
            return {"tests": gt["tests"], "format": gt.get("format", "unittest")}
    raise ValueError(f"coderm: unusable ground_truth of type {type(gt).__name__}")


_default: Optional[Client] = None


def _client() -> Client:
    global _default
    if _default is None:
        _default = Client()
    return _default


def compute_score(data_source: str, solution_str: str, ground_truth: Any, extra_info: Optional[dict] = None,
                  **kw) -> float:
    """verl's custom_reward_function. With extra_info {"group_id", "group_size"} (and optionally
    "group_wait_ms") the server holds this rollout until its group is in and answers with the CodeRM vote;
    otherwise the reward is the pass rate."""
    info = extra_info or {}
    group = None
    if info.get("group_id") is not None and info.get("group_size"):
        group = {"id": str(info["group_id"]), "size": int(info["group_size"]),
                 "wait_ms": int(info.get("group_wait_ms", 30_000))}
    client = kw.get("client") or _client()
    return float(client.reward(solution_str, ground_truth, group=group)["reward"])


async def acompute_score(data_source: str, solution_str: str, ground_truth: Any,
                         extra_info: Optional[dict] = None, **kw) -> float:
    return await asyncio.to_thread(compute_score, data_source, solution_str, ground_truth, extra_info, **kw)


_calls = itertools.count()


def _text(completion: Any) -> str:
    # TRL passes plain strings, or (conversational datasets) a list of messages.
    if isinstance(completion, list):
        return "".join(m.get("content", "") for m in completion if m.get("role") == "assistant")
    return str(completion)


def grpo_reward(prompts: list, completions: list, **columns) -> list:
    """TRL GRPOTrainer reward function. The dataset needs a `tests` (or `ground_truth`) column. Completions
    of the same prompt in one call form a group, scored together by the CodeRM vote; pass `strategy` in a
    `coderm_strategy` column to change it."""
    truths = columns.get("tests") or columns.get("ground_truth")
    if truths is None:
        raise ValueError("coderm: the dataset needs a `tests` or `ground_truth` column")
    client = columns.get("client") or _client()
    call = next(_calls)
    keys = [hashlib.sha1(json.dumps([str(p), str(t)], default=str).encode()).hexdigest()[:16]
            for p, t in zip(prompts, truths)]
    sizes: dict = {}
    for k in keys:
        sizes[k] = sizes.get(k, 0) + 1

    def one(i: int) -> float:
        group = None
        if sizes[keys[i]] > 1:
            group = {"id": f"{os.getpid()}-{call}-{keys[i]}", "size": sizes[keys[i]], "wait_ms": 60_000}
        return float(client.reward(_text(completions[i]), truths[i], group=group)["reward"])

    with ThreadPoolExecutor(max_workers=min(256, max(1, len(completions)))) as pool:
        return list(pool.map(one, range(len(completions))))


async def agrpo_reward(prompts: list, completions: list, **columns) -> list:
    return await asyncio.to_thread(grpo_reward, prompts, completions, **columns)
