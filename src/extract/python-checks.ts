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

function pos(node: Node): string {
  return `${node.startPosition.row + 1}:${node.startPosition.column + 1}`;
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

const FUNCTION_SCOPES = new Set(["function_definition", "lambda"]);
const LOOPS = new Set(["for_statement", "while_statement"]);

function enclosing(node: Node, types: Set<string>, stopAt: Set<string>): Node | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (types.has(n.type)) return n;
    if (stopAt.has(n.type)) return undefined;
  }
  return undefined;
}

const NO_STOP = new Set<string>();
const SCOPE_BOUNDARY = new Set(["function_definition", "class_definition"]);

function python3NodeError(node: Node): string | undefined {
  switch (node.type) {
    case "future_import_statement":
      return futureImportError(node);
    case "string":
      return stringEscapeError(node);
    case "try_statement":
      if (node.namedChildren.some((c) => c?.type.endsWith("_clause") && c.type !== "else_clause"))
        return undefined;
      return `${pos(node)}: expected 'except' or 'finally' block`;
    case "import_statement":
    case "import_from_statement":
      // `from m import a,` is only legal inside parentheses.
      if (node.lastChild?.type === "," && node.child(node.childCount - 2)?.type !== "(") {
        return `${pos(node)}: trailing comma not allowed without surrounding parentheses`;
      }
      return undefined;
    case "parameters":
    case "lambda_parameters":
      return parameterOrderError(node);
    case "constrained_type":
      // `x: a: b` parses as a PEP 695 constraint, which only exists in `[T: (a, b)]` lists.
      for (let n = node.parent; n; n = n.parent) if (n.type === "type_parameter") return undefined;
      return `${pos(node)}: invalid syntax in annotation`;
    case "print_statement":
    case "exec_statement":
      return `${pos(node)}: Python 2 ${node.type.replace("_statement", "")} statement`;
    case "<>":
      return `${pos(node)}: Python 2 operator <>`;
    case "integer":
      if (/^0\d*[1-9]/.test(node.text) || /[lL]$/.test(node.text)) {
        return `${pos(node)}: invalid integer literal ${node.text}`;
      }
      return undefined;
    case "argument_list":
      return argumentOrderError(node);
    case "for_in_clause":
      if (node.childrenForFieldName("right").length > 1) {
        return `${pos(node)}: comprehension needs parentheses (generator argument or tuple after 'in')`;
      }
      return undefined;
    case "return_statement":
    case "yield":
      if (!enclosing(node, FUNCTION_SCOPES, new Set(["class_definition"]))) {
        return `${pos(node)}: '${node.type.replace("_statement", "")}' outside function`;
      }
      return undefined;
    case "await":
      if (!enclosing(node, new Set(["function_definition"]), NO_STOP)) {
        return `${pos(node)}: 'await' outside function`;
      }
      return undefined;
    case "break_statement":
    case "continue_statement":
      if (!enclosing(node, LOOPS, SCOPE_BOUNDARY)) {
        return `${pos(node)}: '${node.type.replace("_statement", "")}' outside loop`;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** CPython: positional after keyword (or `**`), and `*x` after `**y`, are syntax errors. */
function argumentOrderError(args: Node): string | undefined {
  let keyword = false;
  let doubleStar = false;
  for (const arg of args.namedChildren) {
    if (!arg || arg.type === "comment") continue;
    if (arg.type === "keyword_argument") keyword = true;
    else if (arg.type === "dictionary_splat") doubleStar = true;
    else if (arg.type === "list_splat") {
      if (doubleStar) return `${pos(arg)}: iterable argument unpacking follows keyword argument unpacking`;
    } else if (keyword || doubleStar) {
      return `${pos(arg)}: positional argument follows keyword argument`;
    }
  }
  return undefined;
}

/** `from __future__ import` must come first (after a docstring, comments, other future imports). */
function futureImportError(node: Node): string | undefined {
  const parent = node.parent;
  if (parent?.type === "module") {
    let docstring = true;
    for (let s = node.previousNamedSibling; s; s = s.previousNamedSibling) {
      if (s.type === "comment" || s.type === "future_import_statement") continue;
      const isString =
        s.type === "expression_statement" && s.namedChildCount === 1 && s.firstNamedChild?.type === "string";
      if (isString && docstring && !s.previousNamedSibling) {
        docstring = false;
        continue;
      }
      return `${pos(node)}: from __future__ imports must occur at the beginning of the file`;
    }
    return undefined;
  }
  return `${pos(node)}: from __future__ imports must occur at the beginning of the file`;
}

/**
 * CPython refuses truncated `\x`, `\u`, `\U` and `\N{...}` escapes in non-raw literals (bytes
 * have only `\x`); tree-sitter takes them as plain text.
 */
function stringEscapeError(str: Node): string | undefined {
  const prefix = (str.firstChild?.text ?? "").replace(/['"]+$/, "").toLowerCase();
  if (prefix.includes("r")) return undefined;
  const bytes = prefix.includes("b");
  for (const part of str.namedChildren) {
    if (part?.type !== "string_content") continue;
    const text = part.text;
    for (const m of text.matchAll(/\\([\s\S])/g)) {
      const rest = text.slice((m.index ?? 0) + 2);
      const c = m[1];
      const bad =
        (c === "x" && !/^[0-9a-fA-F]{2}/.test(rest)) ||
        (!bytes && c === "u" && !/^[0-9a-fA-F]{4}/.test(rest)) ||
        (!bytes && c === "U" && !/^[0-9a-fA-F]{8}/.test(rest)) ||
        (!bytes && c === "N" && !/^\{[^}]+\}/.test(rest));
      if (bad) return `${pos(part)}: truncated \\${c} escape in a string`;
    }
  }
  return undefined;
}

/** CPython: before `*`, a parameter without a default cannot follow one with a default. */
function parameterOrderError(params: Node): string | undefined {
  let defaulted = false;
  for (const p of params.namedChildren) {
    if (!p) continue;
    const t = p.type;
    if (t === "list_splat_pattern" || t === "keyword_separator" || t === "dictionary_splat_pattern")
      return undefined;
    if (t === "default_parameter" || t === "typed_default_parameter") defaulted = true;
    else if ((t === "identifier" || t === "typed_parameter") && defaulted) {
      return `${pos(p)}: non-default argument follows default argument`;
    }
  }
  return undefined;
}
