"""Reference oracle: CodeT's test-case post-processing (microsoft/CodeT, CodeT/src/postprocess.py),
re-implemented for parity tests of src/extract/codet.ts. Not part of the product.

stdin: JSON lines {"sample": str, "entry_point": str, "completion"?: str}
stdout: JSON lines {"cases": [str, ...], "truncated"?: str} -- every case that passes CodeT's checks
(before the per-sample limit), and the truncated solution when "completion" was given.
"""
import json
import sys

STOP_WORDS = ["\nclass", "\ndef", "\n#", "\nif", "\nprint"]


def cut(text):
    for word in STOP_WORDS:
        if word in text:
            text = text.split(word)[0]
    return text


def compiles(case):
    if len(case.strip()) < 1 or "assert" not in case:
        return False
    body = case.replace("\n", "\n    ")
    try:
        compile(f"try:\n    {body}\nexcept:\n    pass\n", "", "exec")
        return True
    except Exception:
        return False


def cases_of(sample, entry_point):
    pieces = [
        f"assert {p}".strip()
        for p in f"assert {sample}".split("assert ")
        if entry_point.strip() in p and len(p.strip()) > 0
    ]
    return [c for c in (cut(p).strip() for p in pieces) if compiles(c)]


for line in sys.stdin:
    row = json.loads(line)
    out = {"cases": cases_of(row["sample"], row["entry_point"])}
    if "completion" in row:
        out["truncated"] = cut(row["completion"])
    sys.stdout.write(json.dumps(out) + "\n")
