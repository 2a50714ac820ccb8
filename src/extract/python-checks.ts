/**
 * "Does this compile?" with tree-sitter, as close to CPython's `compile(src, "", "exec")` as the common
 * cases need. tree-sitter-python is an error-tolerant, Python-2-aware grammar: beyond its ERROR and
 * MISSING nodes it accepts several things CPython 3 rejects. Each rule below closes one such gap found
 * on real model output (CodeT's CodeGen samples, chat responses):
 * - an empty block (`def f():` at the end of the text), `try:` without `except`/`finally`;
 * - a statement broken across lines outside brackets (`assert \n    f(x) == 1`: CodeGen writes this
 *   constantly), unexpected/unmatched indentation, `else:`/`except:` not lined up with their statement;
 * - Python 2 forms: `print x`, `exec x`, `<>`, `0777`, `10L`;
 * - call arguments out of order (`f(a=1, 2)`), a parameter without default after one with a default,
 *   an unparenthesised generator or tuple after `in` in a comprehension (`f(x for x in a, 1)`),
 *   `from m import a,` without parentheses, `x: a: b` annotations;
 * - truncated `\x`, `\u`, `\U`, `\N` escapes in non-raw strings;
 * - `return`/`yield`/`await` outside a function, `break`/`continue` outside a loop, a misplaced
 *   `from __future__ import`.
 * Measured agreement with CPython 3.11 `compile()`: `npm run bench:extract-compile` (real programs
 * and mutated ones). Known remaining gaps (rare): duplicate argument names, `nonlocal` at module
 * level, tab/space mixing (TabError), some invalid targets, and two tree-sitter grammar limits that
 * reject valid code (a slice inside an annotation, `for x \nin y` inside brackets).
 */
import type { Node } from "web-tree-sitter";
import { pos, python3NodeError } from "./_python3-rules.js";
import { clip, firstSyntaxError, withPythonTree } from "./python-parser.js";

/** Why CPython would refuse to compile `source`, or undefined when it compiles. */
export function compileError(source: string): string | undefined {
  return withPythonTree(source, (root) => compileErrorInTree(root, source));
}

/** As {@link compileError}, on a tree the caller already holds. */
export function compileErrorInTree(root: Node, source: string): string | undefined {
  return firstSyntaxError(root) ?? layoutOrPython3Error(root, source);
}

const LINE_STARTERS = new Set([
  "module",
  "block",
  "decorator",
  "else_clause",
  "elif_clause",
  "except_clause",
  "except_group_clause",
  "finally_clause",
  "case_clause",
]);

function startsLogicalLine(node: Node): boolean {
  let n: Node | null = node;
  while (n && n.startIndex === node.startIndex) {
    const t = n.type;
    if (LINE_STARTERS.has(t) || t.endsWith("_statement") || t.endsWith("_definition")) return true;
    n = n.parent;
  }
  return false;
}

const CLAUSES = new Set([
  "else_clause",
  "elif_clause",
  "except_clause",
  "except_group_clause",
  "finally_clause",
]);

const CHECKED = new Set([
  ...CLAUSES,
  "block",
  "module",
  "future_import_statement",
  "print_statement",
  "exec_statement",
  "<>",
  "integer",
  "argument_list",
  "for_in_clause",
  "return_statement",
  "yield",
  "await",
  "break_statement",
  "continue_statement",
  "string",
  "try_statement",
  "import_statement",
  "import_from_statement",
  "parameters",
  "lambda_parameters",
  "constrained_type",
]);

/**
 * One cursor pass (node objects cross the WASM boundary slowly, so they are made only for the few
 * node types that need a closer look): newlines outside brackets must end a statement, statements of
 * one block share a column, and the Python 3 rules of python3NodeError.
 */
function layoutOrPython3Error(root: Node, source: string): string | undefined {
  const cursor = root.walk();
  let depth = 0;
  let prevEndRow = -1;
  let prevEndIndex = 0;
  let prevComment = false;
  try {
    for (;;) {
      const type = cursor.nodeType;
      let error: string | undefined;
      if (CHECKED.has(type)) {
        const node = cursor.currentNode;
        if (type === "block" || type === "module") error = blockIndentError(node);
        else if (CLAUSES.has(type)) error = clauseIndentError(node);
        else error = python3NodeError(node);
        if (error) return error;
      }
      const leaf = type === "string" || !cursor.gotoFirstChild();
      if (leaf) {
        if (type === "comment") {
          prevComment = true;
          prevEndRow = cursor.endPosition.row;
          prevEndIndex = cursor.endIndex;
        } else if (type !== "line_continuation") {
          const start = cursor.startPosition;
          if (prevEndRow >= 0 && start.row > prevEndRow && depth === 0) {
            // tree-sitter does not always emit line_continuation nodes, so read the gap (UTF-16 indices).
            const continued = !prevComment && /\\\r?\n/.test(source.slice(prevEndIndex, cursor.startIndex));
            const node = cursor.currentNode;
            if (!continued && !startsLogicalLine(node)) {
              return `${pos(node)}: statement continues on a new line outside brackets (${JSON.stringify(clip(node.text))})`;
            }
          }
          if (type === "(" || type === "[" || type === "{") depth++;
          else if (type === ")" || type === "]" || type === "}") depth = Math.max(0, depth - 1);
          prevComment = false;
          prevEndRow = cursor.endPosition.row;
          prevEndIndex = cursor.endIndex;
        }
        while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return undefined;
      }
    }
  } finally {
    cursor.delete();
  }
}

/** `else:`/`except:`... on their own line must line up with their statement's first line. */
function clauseIndentError(clause: Node): string | undefined {
  const owner = clause.parent;
  if (!owner || clause.startPosition.row === owner.startPosition.row) return undefined;
  if (clause.startPosition.column === owner.startPosition.column) return undefined;
  return `${pos(clause)}: ${clause.type.replace("_clause", "")} does not line up with its statement`;
}

function blockIndentError(block: Node): string | undefined {
  let column = block.type === "module" ? 0 : undefined;
  let prevEnd = -1;
  let statements = 0;
  for (const stmt of block.namedChildren) {
    if (!stmt || stmt.type === "comment" || stmt.type === "line_continuation") continue;
    statements++;
    const newLine = stmt.startPosition.row > prevEnd;
    prevEnd = stmt.endPosition.row;
    if (!newLine) continue;
    if (column === undefined) {
      column = stmt.startPosition.column;
      continue;
    }
    if (stmt.startPosition.column !== column) {
      const what = stmt.startPosition.column > column ? "unexpected indent" : "unindent does not match";
      return `${pos(stmt)}: ${what}`;
    }
  }
  // tree-sitter accepts `def f():` with nothing after it; CPython wants an indented block.
  if (statements === 0 && block.type === "block") return `${pos(block)}: expected an indented block`;
  return undefined;
}
