/**
 * One unittest class out of a tester model's chat response (METHOD §3).
 *
 * `reference` follows CodeRM's `preprocess/extract_unit_test.py`: exactly one code block (see
 * code-blocks.ts), holding exactly one class anywhere in it (`ast.walk` counts nested classes too),
 * the guard and solution-module imports removed, every import found anywhere re-emitted at the top one
 * binding per line, then the class, and nothing after it. It is rebuilt on the syntax tree instead of
 * CodeRM's string slicing, which fixes these reference bugs (none is copied):
 * - offset 0: CodeRM cuts at `code.find('\nclass')`; a class on the block's first line has no "\n"
 *   before it, find returns -1 and `code[-1:]` keeps only the block's last character, so the test
 *   becomes imports + ")" (a SyntaxError) or just the imports (NameError on the class): it fails every
 *   solution;
 * - the cut points are substrings: a top-level name like `classes = ...` before the class, or
 *   `default = ...` after it, moves them;
 * - after cutting at a following `\ndef`, every trailing line containing "#" is deleted, including a
 *   last assertion like `self.assertEqual(f("#"), 1)`;
 * - the guard is removed only in its two exact spellings (`unittest.main()`, 4-space indent), and
 *   top-level statements after the class (such as another guard) survive when no `def` follows;
 * - only `from your_module import <one name>` is removed; `from solution import f` is kept and fails.
 * Where the reference works, the output is byte-identical to the reference's (runner excluded, imports in
 * its `ast.walk` order). Deliberate differences: a block that does not compile is rejected (CodeRM:
 * `ast.parse` failure also rejects; we also apply compile-time rules), a class that is not a TestCase
 * subclass is rejected (it would pass every solution with zero tests run), imports binding the entry
 * point are dropped, so are `from __future__` imports (a SyntaxError after the solution), and
 * `import unittest` is added when missing.
 *
 * `all-classes` (not in the paper) keeps every top-level TestCase subclass (and the in-source classes
 * they inherit from) and tolerates helper classes, which are dropped.
 */
import type { Node } from "web-tree-sitter";
import { type CodeMode, extractCode } from "./code-blocks.js";
import { collectImports, type ImportFilter } from "./imports.js";
import { compileErrorInTree } from "./python-checks.js";
import { withPythonTree } from "./python-parser.js";
import type { ExtractedText, Rejection } from "./types.js";

export const UNIT_TEST_MODES = ["reference", "all-classes"] as const;
export type UnitTestMode = (typeof UNIT_TEST_MODES)[number];

export interface UnitTestOptions extends ImportFilter {
  /** Default `reference`. */
  mode?: UnitTestMode;
  /** How the code block is found (code-blocks.ts); default `reference`. */
  fences?: CodeMode;
}

export interface ExtractedUnitTest extends ExtractedText {
  /** The TestCase classes kept, in source order (one in `reference` mode). */
  classNames: string[];
  /** Imports dropped as solution imports, with the reason. */
  droppedImports: string[];
}

export type UnitTestExtraction = ExtractedUnitTest | Rejection;

/** Extract the unit test of a chat `response`: imports, a blank line, the class(es); no final newline. */
export function extractUnitTest(response: string, options: UnitTestOptions = {}): UnitTestExtraction {
  const block = extractCode(response, { mode: options.fences ?? "reference" });
  if (!block.ok) return block;
  return unitTestFromCode(block.text, options);
}

/** As {@link extractUnitTest}, for code already taken out of its fence. */
export function unitTestFromCode(code: string, options: UnitTestOptions = {}): UnitTestExtraction {
  const mode = options.mode ?? "reference";
  return withPythonTree(code, (root): UnitTestExtraction => {
    const error = compileErrorInTree(root, code);
    if (error) return { ok: false, reason: `test code does not compile: ${error}` };
    const classes = topLevelClasses(root);
    let kept: TopClass[];
    if (mode === "reference") {
      const all = root.descendantsOfType("class_definition").length;
      if (all !== 1) return { ok: false, reason: `${all} classes (exactly one required)` };
      const only = classes[0];
      if (!only) return { ok: false, reason: "the class is not at top level" };
      if (!testCaseClasses(classes).has(only.name)) {
        return { ok: false, reason: `class ${only.name} does not subclass unittest.TestCase` };
      }
      kept = [only];
    } else {
      const tests = testCaseClasses(classes);
      if (tests.size === 0) return { ok: false, reason: "no unittest.TestCase subclass" };
      const needed = withAncestors(classes, tests);
      kept = classes.filter((c) => needed.has(c.name));
    }
    const imports = collectImports(root, options);
    if (!imports.lines.includes("import unittest")) imports.lines.unshift("import unittest");
    // The reference's layout (imports, one blank line, class; no final newline), so a test that the
    // reference extracts correctly comes out byte-identical and deduplicates the same way.
    const text = `${imports.lines.join("\n")}\n\n${kept.map((c) => c.text).join("\n\n\n")}`;
    const names = testCaseClasses(classes);
    return {
      ok: true,
      text,
      classNames: kept.filter((c) => names.has(c.name)).map((c) => c.name),
      droppedImports: imports.dropped,
    };
  });
}

interface TopClass {
  name: string;
  /** Base class expressions as written (keyword arguments such as metaclass= excluded). */
  bases: string[];
  text: string;
  /** `test*` methods defined directly in the body, in source order, without duplicates. */
  methods: string[];
}

/** Top-level classes; a name defined twice keeps only its last definition, as Python's namespace does. */
function topLevelClasses(root: Node): TopClass[] {
  const all = allTopLevelClasses(root);
  return all.filter((c, i) => !all.slice(i + 1).some((later) => later.name === c.name));
}

function allTopLevelClasses(root: Node): TopClass[] {
  const out: TopClass[] = [];
  for (const child of root.namedChildren) {
    if (!child) continue;
    const def = child.type === "decorated_definition" ? child.childForFieldName("definition") : child;
    if (def?.type !== "class_definition") continue;
    const bases: string[] = [];
    for (const b of def.childForFieldName("superclasses")?.namedChildren ?? []) {
      if (b && b.type !== "keyword_argument" && b.type !== "comment") bases.push(b.text);
    }
    out.push({
      name: def.childForFieldName("name")?.text ?? "",
      bases,
      text: child.text,
      methods: testMethods(def),
    });
  }
  return out;
}

function testMethods(def: Node): string[] {
  const names: string[] = [];
  for (const stmt of def.childForFieldName("body")?.namedChildren ?? []) {
    const fn = stmt?.type === "decorated_definition" ? stmt.childForFieldName("definition") : stmt;
    if (fn?.type !== "function_definition") continue;
    const name = fn.childForFieldName("name")?.text ?? "";
    if (name.startsWith("test") && !names.includes(name)) names.push(name);
  }
  return names;
}

const TESTCASE_BASE = /(^|\.)(TestCase|IsolatedAsyncioTestCase)$/;

/** Names of classes that are TestCases: a unittest base, or (transitively) an in-source TestCase. */
function testCaseClasses(classes: readonly TopClass[]): Set<string> {
  const tests = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const c of classes) {
      if (tests.has(c.name)) continue;
      if (c.bases.some((b) => TESTCASE_BASE.test(b.replace(/\s+/g, "")) || tests.has(b))) {
        tests.add(c.name);
        grew = true;
      }
    }
  }
  return tests;
}

function withAncestors(classes: readonly TopClass[], names: Set<string>): Set<string> {
  const byName = new Map(classes.map((c) => [c.name, c]));
  const out = new Set<string>();
  const visit = (name: string) => {
    if (out.has(name)) return;
    const c = byName.get(name);
    if (!c) return;
    out.add(name);
    for (const b of c.bases) visit(b);
  };
  for (const n of names) visit(n);
  return out;
}

export interface TestClassInfo {
  name: string;
  /** Test method names as unittest's loader would run them: inherited in-source ones included, sorted. */
  methods: string[];
}

export type TestClassDescription = { ok: true; classes: TestClassInfo[]; testCount: number } | Rejection;

/**
 * The TestCase classes of `source` and their `test*` methods, found by parsing (not by running it,
 * so the code under test cannot forge the count). Methods made by assignment or inherited from
 * classes outside the source are not seen.
 */
export function describeTestClass(source: string): TestClassDescription {
  return withPythonTree(source, (root): TestClassDescription => {
    const error = compileErrorInTree(root, source);
    if (error) return { ok: false, reason: `test code does not compile: ${error}` };
    const classes = topLevelClasses(root);
    const byName = new Map(classes.map((c) => [c.name, c]));
    const tests = testCaseClasses(classes);
    const infos: TestClassInfo[] = [];
    for (const c of classes) {
      if (!tests.has(c.name)) continue;
      const methods = new Set<string>();
      const seen = new Set<string>();
      const gather = (k: TopClass) => {
        if (seen.has(k.name)) return;
        seen.add(k.name);
        for (const m of k.methods) methods.add(m);
        for (const b of k.bases) {
          const base = byName.get(b);
          if (base) gather(base);
        }
      };
      gather(c);
      // unittest sorts names with plain string comparison.
      infos.push({ name: c.name, methods: [...methods].sort() });
    }
    return { ok: true, classes: infos, testCount: infos.reduce((n, i) => n + i.methods.length, 0) };
  });
}

export interface Deduplicated {
  /** Indices into the input of the tests kept (first occurrence of each text), in order. */
  kept: number[];
  /** Each later copy, with the index of the kept test it repeats. */
  dropped: { index: number; duplicateOf: number }[];
}

/** Drop tests whose text equals an earlier one (CodeRM dedups on the extracted text; it keeps a set). */
export function dedupeTests(tests: readonly string[]): Deduplicated {
  const first = new Map<string, number>();
  const kept: number[] = [];
  const dropped: { index: number; duplicateOf: number }[] = [];
  tests.forEach((text, index) => {
    const seen = first.get(text);
    if (seen === undefined) {
      first.set(text, index);
      kept.push(index);
    } else dropped.push({ index, duplicateOf: seen });
  });
  return { kept, dropped };
}
