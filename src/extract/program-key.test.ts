import { beforeAll, describe, expect, it } from "vitest";
import { programKey } from "./program-key.js";
import { initPython } from "./python-parser.js";

beforeAll(async () => {
  await initPython();
});

describe("programKey", () => {
  it("ignores comments, blank lines and spacing within a line", () => {
    const a = programKey("def f(x):\n    return x+1\n");
    expect(programKey("# doc\ndef f(x):  # f\n\n    return x + 1   \n")).toBe(a);
    expect(programKey("def f(x):\n    return (x\n            + 1)\n")).not.toBe(a);
  });

  it("keeps indentation text, docstrings, string spellings and names", () => {
    const a = programKey("def f(x):\n    return x\n");
    expect(programKey("def f(x):\n\treturn x\n")).not.toBe(a);
    expect(programKey("def f(x):\n  return x\n")).not.toBe(a);
    expect(programKey('def f(x):\n    """doc"""\n    return x\n')).not.toBe(a);
    expect(programKey("def g(x):\n    return x\n")).not.toBe(a);
    expect(programKey("s = 'a'\n")).not.toBe(programKey('s = "a"\n'));
  });

  it("keys programs that do not parse on their exact text", () => {
    expect(programKey("def f(:\n")).not.toBe(programKey("def f(: \n"));
    expect(programKey("def f(:\n")).toBe(programKey("def f(:\n"));
  });
});
