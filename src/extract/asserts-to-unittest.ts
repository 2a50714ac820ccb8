/**
 * CodeT assert cases as one unittest class, so assert-style tests run in the same program shape as
 * the paper's (solution + test class + runner): one `test_<i>` method per case, in case order.
 */
import { CodermError } from "../errors.js";
import { compileError } from "./python-checks.js";

export interface AssertsToUnittestOptions {
  /** Default `TestAsserts`. */
  className?: string;
  /** Code placed after `import unittest` and before the class (imports, helpers). */
  prelude?: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Build the class source. Method numbers are zero-padded (`test_00` … `test_11`) because unittest
 * runs methods in name order and `test_10` would sort before `test_2`. A multi-line case is indented
 * by inserting spaces after every newline, exactly as CodeT's `_pack_test_cases` does (so, as there,
 * a triple-quoted string spanning lines gains indentation). Throws E_BAD_INPUT on an empty list, a
 * bad class name or a case that does not compile as a method body; needs `initPython()`.
 */
export function assertsToUnittest(cases: readonly string[], options: AssertsToUnittestOptions = {}): string {
  const className = options.className ?? "TestAsserts";
  if (!IDENTIFIER.test(className)) {
    throw new CodermError(
      "E_BAD_INPUT",
      `not a Python class name: ${JSON.stringify(className)}`,
      "className",
    );
  }
  if (cases.length === 0) {
    throw new CodermError(
      "E_BAD_INPUT",
      "no assert cases: a test class without tests passes everything",
      "cases",
    );
  }
  const width = String(cases.length - 1).length;
  const methods = cases.map((c, i) => {
    const name = `test_${String(i).padStart(width, "0")}`;
    const body = c.trim().replaceAll("\n", "\n        ");
    const method = `    def ${name}(self):\n        ${body}\n`;
    const error = compileError(`class T:\n${method}`);
    if (error)
      throw new CodermError("E_BAD_INPUT", `case does not compile as a method: ${error}`, `cases[${i}]`);
    return method;
  });
  const prelude = options.prelude?.trim() ? `${options.prelude.trim()}\n` : "";
  return `import unittest\n${prelude}\n\nclass ${className}(unittest.TestCase):\n${methods.join("\n")}`;
}
