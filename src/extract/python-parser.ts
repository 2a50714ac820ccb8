/**
 * The Python parser shared by every extractor: web-tree-sitter with tree-sitter-python's WASM.
 *
 * Loading WASM is asynchronous, so the module is loaded once by `initPython()` and cached; every
 * extractor is synchronous after that (one `await initPython()` at start-up, then plain calls in hot
 * loops over thousands of samples). Calling an extractor first throws an Error naming `initPython`.
 */
import { createRequire } from "node:module";
import type { Node, Parser, Tree } from "web-tree-sitter";

let parser: Parser | undefined;
let loading: Promise<void> | undefined;

/** Load the parser (idempotent; concurrent callers share one load). */
export function initPython(): Promise<void> {
  if (parser) return Promise.resolve();
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    // Imported here: commands that never parse Python (exec, doctor, worker) do not load tree-sitter at all.
    const { Language, Parser } = await import("web-tree-sitter");
    await Parser.init();
    const language = await Language.load(require.resolve("tree-sitter-python/tree-sitter-python.wasm"));
    const p = new Parser();
    p.setLanguage(language);
    parser = p;
  })().catch((e: unknown) => {
    loading = undefined;
    throw e;
  });
  return loading;
}

export function isPythonReady(): boolean {
  return parser !== undefined;
}

/**
 * Parse `source` and hand the tree to `use`; the tree's WASM memory is freed afterwards, so nodes
 * must not escape `use` (copy out text and offsets instead).
 */
export function withPythonTree<T>(source: string, use: (root: Node) => T): T {
  if (!parser) throw new Error("extract: the Python parser is not loaded; call `await initPython()` first");
  const tree: Tree | null = parser.parse(source);
  if (!tree) throw new Error("extract: tree-sitter returned no tree");
  try {
    return use(tree.rootNode);
  } finally {
    tree.delete();
  }
}

/** First ERROR or MISSING node, as a short `line:col: what` description; undefined when clean. */
export function firstSyntaxError(root: Node): string | undefined {
  if (!root.hasError) return undefined;
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (node.isMissing) return `${where(node)}: missing ${node.type}`;
    if (node.isError) return `${where(node)}: unexpected ${JSON.stringify(clip(node.text))}`;
    if (!node.hasError) continue;
    for (let i = node.childCount - 1; i >= 0; i--) {
      const c = node.child(i);
      if (c) stack.push(c);
    }
  }
  return "syntax error";
}

function where(node: Node): string {
  return `${node.startPosition.row + 1}:${node.startPosition.column + 1}`;
}

export function clip(text: string, max = 40): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
