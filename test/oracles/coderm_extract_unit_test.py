"""Reference oracle: CodeRM's unit-test extraction (RUCKBReasoning/CodeRM,
preprocess/extract_unit_test.py), re-implemented for parity tests of src/extract/unit-test.ts.
Not part of the product; reproduces the reference's bugs on purpose.

stdin: JSON lines {"response": str}
stdout: JSON lines {"test": str | null, "compiles": bool, "blocks": [str]} -- the extracted test
without the runner the reference appends (UNITTEST_FORMAT), or null when the reference drops the
response; whether that test compiles; and the code blocks its `extract_code` finds (the same
function extracts solutions).
"""
import ast
import json
import re
import sys


def code_blocks(text):
    found = re.findall(r"```python\n(.*?)\n```", text, re.DOTALL)
    return found or re.findall(r"```\n(.*?)\n```", text, re.DOTALL)


def class_names(code):
    try:
        tree = ast.parse(code)
    except Exception:
        return []
    return [n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]


def imports_of(code):
    out = []
    try:
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.Import):
                for a in node.names:
                    out.append(f"import {a.name}" + (f" as {a.asname}" if a.asname else ""))
            elif isinstance(node, ast.ImportFrom):
                for a in node.names:
                    out.append(f"from {node.module} import {a.name}" + (f" as {a.asname}" if a.asname else ""))
    except Exception:
        return ["import unittest"]
    return out


def cut_class(code):
    head = "\n".join(imports_of(code))
    code = code[code.find("\nclass"):]  # -1 when the class is at offset 0: keeps the last character
    if "\ndef" in code:
        lines = code[: code.find("\ndef")].splitlines()
        while "#" in lines[-1]:
            lines = lines[:-1]
        code = "\n".join(lines)
    return head + "\n" + code


def extract(response):
    blocks = code_blocks(response)
    if len(blocks) != 1:
        return None
    code = blocks[0]
    if len(class_names(code)) != 1:
        return None
    code = code.replace("if __name__ == '__main__':\n    unittest.main()", "")
    code = code.replace('if __name__ == "__main__":\n    unittest.main()', "")
    code = re.sub(r"^from\s+your_module\s+import\s+\w+(\s+#.*)?$", "", code, flags=re.MULTILINE)
    return cut_class(code).rstrip("\n")


for line in sys.stdin:
    response = json.loads(line)["response"]
    test = extract(response)
    try:
        compile(test or "", "", "exec")
        compiles = test is not None
    except Exception:
        compiles = False
    sys.stdout.write(json.dumps({"test": test, "compiles": compiles, "blocks": code_blocks(response)}) + "\n")
