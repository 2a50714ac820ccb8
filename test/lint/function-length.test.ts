/**
 * House rule (CONTRIBUTING.md): no function in src/ longer than 80 lines unless the comment just above it
 * says why it is long (the word "long" in that comment). Parsed with the TypeScript compiler, so arrow
 * functions and methods count too.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const MAX = 80;

function* sources(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* sources(p);
    else if (p.endsWith(".ts") && !p.endsWith(".test.ts")) yield p;
  }
}

/** The comments right above a function, or above the statement that holds it (`const f = () => …`). */
function leadingComments(node: ts.Node, text: string): string {
  let holder: ts.Node = node;
  while (
    holder.parent &&
    (ts.isVariableDeclaration(holder.parent) ||
      ts.isVariableDeclarationList(holder.parent) ||
      ts.isVariableStatement(holder.parent) ||
      ts.isPropertyAssignment(holder.parent) ||
      ts.isExportAssignment(holder.parent))
  )
    holder = holder.parent;
  const ranges = ts.getLeadingCommentRanges(text, holder.getFullStart()) ?? [];
  return ranges.map((r) => text.slice(r.pos, r.end)).join("\n");
}

/** Functions in `file` over MAX lines with no comment saying why, as `file:line (n lines)`. */
function longFunctions(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isFunctionLike(n) && "body" in n && n.body) {
      const first = sf.getLineAndCharacterOfPosition(n.getStart()).line;
      const lines = sf.getLineAndCharacterOfPosition(n.getEnd()).line - first + 1;
      if (lines > MAX && !/\blong\b|\b80 lines\b/i.test(leadingComments(n, text)))
        out.push(`${relative(ROOT, file)}:${first + 1} (${lines} lines)`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

describe("function length", () => {
  it(`no function in src/ is over ${MAX} lines without a comment saying why`, () => {
    const found = [...sources(join(ROOT, "src"))].flatMap(longFunctions);
    expect(found).toEqual([]);
  });

  it("the check finds a long function and accepts one whose comment says why", () => {
    const body = Array.from({ length: MAX }, (_, i) => `  const v${i} = ${i};`).join("\n");
    const dir = join(ROOT, "node_modules/.cache");
    const probe = (name: string, comment: string) => {
      const file = join(dir, `${name}-${process.pid}.ts`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, `${comment}\nexport function f() {\n${body}\n}\n`);
      return longFunctions(file);
    };
    expect(probe("long-fn", "// a plain function")).toHaveLength(1);
    expect(probe("long-fn-why", "// Long: one pass over the lines keeps the state in locals.")).toEqual([]);
  });
});
