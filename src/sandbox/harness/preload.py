"""Standard modules a fork server imports before forking (shared by worker.py and the labels kind's
stand-alone server)."""

import importlib

# Imported once here so each forked child finds them loaded (shared pages) instead of importing them per
# pair: solutions and tests use these all the time (typing alone costs ~10 ms per import on these machines).
PRELOAD = ("typing", "collections", "itertools", "functools", "math", "re", "string", "heapq", "bisect", "random",
           "datetime", "decimal", "fractions", "statistics", "json", "copy", "operator", "io", "time", "hashlib",
           "array", "dataclasses", "enum", "textwrap", "unittest.mock", "cmath", "numbers", "abc", "contextlib")


def preload():
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001,S112 - a missing optional module is fine
            continue
