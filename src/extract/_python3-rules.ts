/**
 * Python 3 rules CPython enforces at compile time and tree-sitter-python does not (see
 * python-checks.ts for the list and how agreement is measured). Each function looks at one node.
 */
import type { Node } from "web-tree-sitter";

export function pos(node: Node): string {
  return `${node.startPosition.row + 1}:${node.startPosition.column + 1}`;
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

export function python3NodeError(node: Node): string | undefined {
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
