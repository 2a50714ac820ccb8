/**
 * Mutation operators on the tree-sitter Python tree. Each operator proposes edits (a source range and
 * its replacement) at every site it applies to; `mutants.ts` turns edits into programs, keeps only those
 * that compile and differ from the original, and samples them per seed. The set is the classic one
 * (Offutt's "sufficient" operators reduced to what unit tests of small functions exercise):
 * - `comparison` (ROR, negation): `==`↔`!=`, `<`→`>=`, `>`→`<=`, `<=`→`>`, `>=`→`<`, `in`↔`not in`, `is`↔`is not`;
 * - `boundary`: `<`↔`<=`, `>`↔`>=` (the off-by-one of a loop or range bound);
 * - `arithmetic` (AOR): `+`↔`-`, `*`→`/`, `/`→`*`, `//`→`/`, `%`→`//`, `**`→`*`, `<<`↔`>>`, `&`↔`|`, `^`→`&`,
 *   the same on augmented assignments (`+=`→`-=`…);
 * - `logical`: `and`↔`or`, `not x`→`x`;
 * - `constant` (off-by-one): an integer literal n becomes n+1 and n-1;
 * - `return`: `return <boolean-looking expr>` → `return not (<expr>)` (True↔False for literals), any other
 *   `return <expr>` → `return None`;
 * - `delete`: a simple statement (expression, assignment, augmented assignment, del, raise, assert, break,
 *   continue) becomes `pass`. Docstrings, imports, `global`/`nonlocal` and `pass` itself are left alone.
 */
import type { Node } from "web-tree-sitter";

export const MUTATION_OPERATORS = [
  "comparison",
  "boundary",
  "arithmetic",
  "logical",
  "constant",
  "return",
  "delete",
] as const;
export type MutationOperator = (typeof MUTATION_OPERATORS)[number];

/** One proposed change: replace source[start, end) (UTF-16 offsets, as tree-sitter gives them) by `text`. */
export interface Edit {
  op: MutationOperator;
  start: number;
  end: number;
  text: string;
  /** 1-based line and column of the site. */
  line: number;
  column: number;
  /** `<` → `<=` */
  description: string;
}

const NEGATE: Record<string, string> = {
  "==": "!=",
  "!=": "==",
  "<": ">=",
  ">": "<=",
  "<=": ">",
  ">=": "<",
  in: "not in",
  "not in": "in",
  is: "is not",
  "is not": "is",
};

const BOUNDARY: Record<string, string> = { "<": "<=", "<=": "<", ">": ">=", ">=": ">" };

const ARITHMETIC: Record<string, string> = {
  "+": "-",
  "-": "+",
  "*": "/",
  "/": "*",
  "//": "/",
  "%": "//",
  "**": "*",
  "<<": ">>",
  ">>": "<<",
  "&": "|",
  "|": "&",
  "^": "&",
};

const DELETABLE = new Set([
  "expression_statement",
  "delete_statement",
  "raise_statement",
  "assert_statement",
  "break_statement",
  "continue_statement",
]);

const BOOLEAN_LOOKING = new Set(["comparison_operator", "boolean_operator", "not_operator", "true", "false"]);

function edit(op: MutationOperator, node: Node, text: string, description: string): Edit {
  return {
    op,
    start: node.startIndex,
    end: node.endIndex,
    text,
    line: node.startPosition.row + 1,
    column: node.startPosition.column + 1,
    description,
  };
}

/** Python's integer literal syntax (underscores, 0x/0o/0b) to a BigInt; undefined for anything else. */
export function parseIntLiteral(text: string): bigint | undefined {
  const t = text.replaceAll("_", "").toLowerCase();
  if (/^(0x[0-9a-f]+|0o[0-7]+|0b[01]+|[1-9][0-9]*|0+)$/.test(t)) {
    return BigInt(t.startsWith("0o") ? `0o${t.slice(2)}` : /^0+$/.test(t) ? "0" : t);
  }
  return undefined;
}

/** A docstring, or a bare string anywhere: deleting either only makes an equivalent mutant. */
function isStringStatement(stmt: Node): boolean {
  const only = stmt.namedChildCount === 1 ? stmt.namedChild(0) : null;
  return only !== null && (only.type === "string" || only.type === "concatenated_string");
}

/** Every edit the operators in `ops` propose for the tree, in source order. */
export function proposeEdits(root: Node, ops: ReadonlySet<MutationOperator>): Edit[] {
  const out: Edit[] = [];
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    visit(node, ops, out);
    for (let i = node.childCount - 1; i >= 0; i--) {
      const c = node.child(i);
      if (c) stack.push(c);
    }
  }
  return out;
}

function visit(node: Node, ops: ReadonlySet<MutationOperator>, out: Edit[]): void {
  switch (node.type) {
    case "comparison_operator":
      for (const o of node.childrenForFieldName("operators")) {
        if (!o) continue;
        const t = o.type;
        const neg = NEGATE[t];
        if (ops.has("comparison") && neg) out.push(edit("comparison", o, neg, `${t} → ${neg}`));
        const b = BOUNDARY[t];
        if (ops.has("boundary") && b) out.push(edit("boundary", o, b, `${t} → ${b}`));
      }
      return;
    case "binary_operator": {
      const o = node.childForFieldName("operator");
      const to = o ? ARITHMETIC[o.type] : undefined;
      if (o && to && ops.has("arithmetic")) out.push(edit("arithmetic", o, to, `${o.type} → ${to}`));
      return;
    }
    case "augmented_assignment": {
      const o = node.childForFieldName("operator");
      const base = o?.type.slice(0, -1);
      const to = base ? ARITHMETIC[base] : undefined;
      if (o && to && ops.has("arithmetic")) out.push(edit("arithmetic", o, `${to}=`, `${o.type} → ${to}=`));
      return;
    }
    case "boolean_operator": {
      const o = node.childForFieldName("operator");
      if (o && ops.has("logical")) {
        const to = o.type === "and" ? "or" : "and";
        out.push(edit("logical", o, to, `${o.type} → ${to}`));
      }
      return;
    }
    case "not_operator": {
      const arg = node.childForFieldName("argument");
      if (arg && ops.has("logical")) out.push(edit("logical", node, `(${arg.text})`, "not x → x"));
      return;
    }
    case "integer": {
      if (!ops.has("constant")) return;
      const n = parseIntLiteral(node.text);
      if (n === undefined) return;
      out.push(edit("constant", node, String(n + 1n), `${node.text} → ${n + 1n}`));
      // 0 - 1 would need a unary minus, which changes precedence inside `x ** 0` and friends.
      if (n > 0n) out.push(edit("constant", node, String(n - 1n), `${node.text} → ${n - 1n}`));
      return;
    }
    case "return_statement": {
      if (!ops.has("return")) return;
      const value = node.namedChild(0);
      if (!value) return;
      if (value.type === "true") out.push(edit("return", value, "False", "return True → return False"));
      else if (value.type === "false") out.push(edit("return", value, "True", "return False → return True"));
      else if (BOOLEAN_LOOKING.has(value.type))
        out.push(edit("return", value, `not (${value.text})`, "return x → return not x"));
      else if (value.type !== "none") out.push(edit("return", value, "None", "return x → return None"));
      return;
    }
    default:
      if (ops.has("delete") && DELETABLE.has(node.type) && isSimpleStatement(node)) {
        if (node.type === "expression_statement" && isStringStatement(node)) return;
        out.push(edit("delete", node, "pass", `delete \`${firstLine(node.text)}\``));
      }
  }
}

/** Statements that sit directly in a block or module (not an expression inside a lambda etc.). */
function isSimpleStatement(node: Node): boolean {
  const p = node.parent;
  return p !== null && (p.type === "block" || p.type === "module");
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 40 ? `${line.slice(0, 39)}…` : line;
}
