"""Standard modules the worker imports before forking its zygote and judges."""

import importlib

# Imported once here so each forked child finds them loaded (shared pages) instead of importing them per
# pair: solutions and tests use these all the time (typing alone costs ~10 ms per import on these machines).
PRELOAD = ("typing", "collections", "itertools", "functools", "math", "re", "string", "heapq", "bisect", "random",
           "datetime", "decimal", "fractions", "statistics", "json", "copy", "operator", "io", "time", "hashlib",
           "array", "dataclasses", "enum", "textwrap", "unittest.mock", "cmath", "numbers", "abc", "contextlib")


# What candidates get (the zygote is forked with only these): not unittest.mock, whose asyncio, threading and
# logging add fork handlers and pages that every candidate would run and copy at its clone (≈ 130 page faults,
# ≈ 0.6 ms each time). `unittest` is for the reference entry.
CANDIDATE = tuple(n for n in PRELOAD if n != "unittest.mock") + ("unittest",)


def preload(names=PRELOAD):
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001,S112 - a missing optional module is fine
            continue
