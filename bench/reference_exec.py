"""Reference oracle for bench/exec.ts: a faithful re-creation of CodeRM's executor (docker_source/main.py in
RUCKBReasoning/CodeRM), minus Docker and tqdm. Not product code: it exists to be measured against.

Mechanism kept exactly: a ProcessPoolExecutor rebuilt every `chunk_size` pairs; per pair a new
multiprocessing.Process exec()s `code` (solution + "\\n\\n" + test class + runner) with globals
{unittest, output, locals_dict} under a 1 s setitimer alarm raising an Exception subclass; the parent joins
for 2 s, then terminates and kills; pass = result.wasSuccessful().

Input JSONL lines: {"id": str, "code": str}. Output JSONL lines: {"id", "result": "pass"|"fail", "details"}.
Usage: python3 reference_exec.py --input_path IN --output_path OUT [--mp_num 2] [--chunk_size 1000]
"""
import argparse
import contextlib
import ctypes
import json
import multiprocessing
import signal
import time
import unittest
from concurrent.futures import ProcessPoolExecutor, as_completed
from io import StringIO
from multiprocessing import Array, Value


class TimeoutException(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: float):
    def signal_handler(signum, frame):
        raise TimeoutException("Timed out!")

    signal.setitimer(signal.ITIMER_REAL, seconds)
    signal.signal(signal.SIGALRM, signal_handler)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def read_jsonline_in_chunks(file_path, chunk_size):
    with open(file_path, "r", encoding="utf-8") as f:
        chunk = []
        for i, line in enumerate(f):
            chunk.append(json.loads(line))
            if (i + 1) % chunk_size == 0:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


def execute_unittest(code, time_limits, is_pass, total_num, pass_num, fail_num, error_num, save_detail,
                     shared_array):
    output = StringIO()
    locals_dict = {}
    try:
        with time_limit(time_limits):
            exec(code, {"unittest": unittest, "output": output, "locals_dict": locals_dict})
        if save_detail:
            shared_array.value = output.getvalue().encode("utf-8")
        result = locals_dict.get("result")
        is_pass.value = result.wasSuccessful()
        total_num.value = result.testsRun
        pass_num.value = result.testsRun - len(result.failures) - len(result.errors)
        fail_num.value = len(result.failures)
        error_num.value = len(result.errors)
    except TimeoutException:
        is_pass.value = False
    except Exception:
        is_pass.value = False


def handle_execute(pair_id, code, time_limits, save_detail):
    is_pass = Value("b", False)
    total_num = Value("i", -1)
    pass_num = Value("i", 0)
    fail_num = Value("i", 0)
    error_num = Value("i", 0)
    shared_array = multiprocessing.Array(ctypes.c_char, 2000)
    p = multiprocessing.Process(
        target=execute_unittest,
        args=(code, time_limits, is_pass, total_num, pass_num, fail_num, error_num, save_detail, shared_array),
    )
    t0 = time.perf_counter()
    p.start()
    p.join(2)
    if p.is_alive():
        p.terminate()
        time.sleep(0.1)
    if p.is_alive():
        p.kill()
        time.sleep(0.1)
    details = {"total_num": total_num.value, "pass_num": pass_num.value, "fail_num": fail_num.value,
               "error_num": error_num.value, "ms": round((time.perf_counter() - t0) * 1000, 2)}
    return pair_id, is_pass.value, details


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input_path")
    ap.add_argument("--output_path")
    ap.add_argument("--mp_num", type=int, default=2)
    ap.add_argument("--chunk_size", type=int, default=1000)
    ap.add_argument("--time_limit", type=float, default=1)
    opt = ap.parse_args()
    done = 0
    with open(opt.output_path, "w", encoding="utf-8") as fp:
        for chunk in read_jsonline_in_chunks(opt.input_path, opt.chunk_size):
            with ProcessPoolExecutor(max_workers=opt.mp_num) as executor:
                futures = [executor.submit(handle_execute, d["id"], d["code"], opt.time_limit, False) for d in chunk]
                for future in as_completed(futures):
                    pair_id, is_pass, details = future.result()
                    fp.write(json.dumps({"id": pair_id, "result": "pass" if is_pass else "fail",
                                         "details": details}) + "\n")
                    done += 1
                    if done % 200 == 0:
                        print(f"reference: {done} pairs", flush=True)


if __name__ == "__main__":
    main()
