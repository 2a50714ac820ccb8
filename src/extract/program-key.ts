/**
 * A key under which two Python programs behave the same: the syntax tree without comments, layout or
 * line numbers. Sampled solutions often differ only in a comment or a blank line; labelling them once
 * is what makes slow tasks cheap (a solution that runs into a 4 s limit costs 4 s per copy).
 *
 * Indentation text is kept per line (CPython's tab rules are stricter than tree-sitter's). What the key
 * ignores can only matter to a program that inspects its own line numbers (tracebacks
 * printed to a discarded stdout, `f_lineno`). Docstrings and string spellings stay in the key, so
 * `'a'` and `"a"` count as different programs: the key is conservative, never merges unlike code.
 */
import { createHash } from "node:crypto";
import type { Node } from "web-tree-sitter";
import { withPythonTree } from "./python-parser.js";

function serialize(root: Node, source: string): string {
  const lines = source.split("\n");
  const parts: string[] = [];
  let row = -1;
  const walk = (node: Node) => {
    if (node.type === "comment") return;
    if (node.childCount === 0) {
      const at = node.startPosition.row;
      if (at !== row) {
        // The indentation text of every line that holds code: CPython rejects mixes of tabs and spaces
        // that tree-sitter accepts, so programs differing there must not share a key.
        row = at;
        parts.push(`\u0002${/^[ \t\f]*/.exec(lines[at] ?? "")?.[0] ?? ""}`);
      }
      parts.push(node.text);
      return;
    }
    // Node types carry block structure (what indentation means); leaves carry names and literals.
    parts.push(`(${node.type}`);
    for (let i = 0; i < node.childCount; i++) {
      const child = node.child(i);
      if (child) walk(child);
    }
    parts.push(")");
  };
  walk(root);
  return parts.join("\u0001");
}

/**
 * The behaviour key of `source` (a SHA-1 hex digest). Source that does not parse cleanly keys on its
 * exact text, so broken programs are never merged with each other. Needs `await initPython()`.
 */
export function programKey(source: string): string {
  const body = withPythonTree(source, (root) =>
    root.hasError ? `raw\u0000${source}` : serialize(root, source),
  );
  return createHash("sha1").update(body).digest("hex");
}
