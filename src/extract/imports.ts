/**
 * Imports of a generated test, re-emitted one binding per line (as CodeRM's `extract_imports` does),
 * minus those that would bring in the generator's idea of the solution instead of the candidate.
 */
import type { Node } from "web-tree-sitter";

/**
 * Module names models use for "the code under test". CodeRM removes only `from your_module import x`
 * (one name); chat models also write these, and any of them fails with ImportError in the sandbox.
 */
export const SOLUTION_MODULES: readonly string[] = [
  "your_module",
  "your_module_name",
  "your_solution",
  "your_code",
  "your_file",
  "my_module",
  "my_solution",
  "module",
  "module_name",
  "solution",
  "solution_module",
  "main",
  "code",
  "program",
];

export interface ImportFilter {
  /** Bindings of this name are dropped: they would shadow the candidate's function. */
  entryPoint?: string;
  solutionModules?: readonly string[];
}

export interface CollectedImports {
  lines: string[];
  /** What was dropped and why, e.g. "from your_module import f (solution module)". */
  dropped: string[];
}

const IMPORT_TYPES = ["import_statement", "import_from_statement", "future_import_statement"];

/**
 * Every import anywhere under `root`, one binding per line, in CodeRM's order, repeats kept (as CodeRM
 * does, so extracted texts compare equal). `from __future__` imports are dropped: the test runs after
 * the solution, where they are a SyntaxError.
 */
export function collectImports(root: Node, filter: ImportFilter): CollectedImports {
  const solutionModules = new Set(filter.solutionModules ?? SOLUTION_MODULES);
  const lines: string[] = [];
  const dropped: string[] = [];
  for (const node of inAstWalkOrder(root.descendantsOfType(IMPORT_TYPES))) {
    if (node.type === "future_import_statement") {
      for (const name of bindings(node))
        dropped.push(`from __future__ import ${name.text} (must open the program)`);
      continue;
    }
    const moduleNode = node.type === "import_from_statement" ? node.childForFieldName("module_name") : null;
    const module = moduleNode?.text ?? "";
    const relative = moduleNode?.type === "relative_import";
    const fromSolution = relative || solutionModules.has(module.split(".")[0] ?? "");
    if (node.type === "import_from_statement" && node.descendantsOfType("wildcard_import").length > 0) {
      const line = `from ${module} import *`;
      if (fromSolution) dropped.push(`${line} (solution module)`);
      else lines.push(line);
      continue;
    }
    for (const b of bindings(node)) {
      const line = node.type === "import_statement" ? `import ${b.text}` : `from ${module} import ${b.text}`;
      const top = node.type === "import_statement" && !b.alias ? (b.name.split(".")[0] ?? b.name) : undefined;
      const bound = b.alias ?? top ?? b.name;
      const solutionImport = node.type === "import_statement" ? solutionModules.has(bound) : fromSolution;
      if (solutionImport) dropped.push(`${line} (solution module)`);
      else if (filter.entryPoint && bound === filter.entryPoint)
        dropped.push(`${line} (shadows ${filter.entryPoint})`);
      else lines.push(line);
    }
  }
  return { lines, dropped };
}

/**
 * CodeRM lists imports in `ast.walk` order: breadth-first, so every module-level import comes before
 * one nested in a function, whatever their positions. Sorting by Python-AST depth (tree-sitter adds
 * `block` and clause nodes the AST does not have), then by position, gives the same order.
 */
function inAstWalkOrder(nodes: (Node | null)[]): Node[] {
  const depth = (n: Node) => {
    let d = 0;
    for (let p = n.parent; p; p = p.parent) if (AST_LEVELS.has(p.type)) d++;
    return d;
  };
  return nodes
    .filter((n): n is Node => n !== null)
    .map((n, i) => ({ n, i, d: depth(n) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .map((x) => x.n);
}

// Tree-sitter nodes that are a level of Python's AST around a statement (else/finally are only lists).
const AST_LEVELS = new Set([
  "function_definition",
  "class_definition",
  "if_statement",
  "elif_clause",
  "for_statement",
  "while_statement",
  "try_statement",
  "except_clause",
  "except_group_clause",
  "with_statement",
  "match_statement",
  "case_clause",
]);

interface Binding {
  name: string;
  alias?: string;
  text: string;
}

function bindings(node: Node): Binding[] {
  const out: Binding[] = [];
  for (const n of node.childrenForFieldName("name")) {
    if (!n) continue;
    if (n.type === "aliased_import") {
      const name = n.childForFieldName("name")?.text ?? "";
      const alias = n.childForFieldName("alias")?.text ?? "";
      out.push({ name, alias, text: `${name} as ${alias}` });
    } else out.push({ name: n.text, text: n.text });
  }
  return out;
}
