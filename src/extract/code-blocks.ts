/**
 * Code blocks from a chat response.
 *
 * `reference` is CodeRM's rule (`preprocess/extract_solution.py` and `extract_unit_test.py`,
 * `extract_code`): the non-greedy matches of ```` ```python\n(.*?)\n``` ```` (DOTALL); if there are
 * none, of ```` ```\n(.*?)\n``` ````; the response counts only when there is exactly one. Consequences
 * kept on purpose, because they decide which samples the paper used: the opening fence must be
 * exactly "```python" or "```" followed by a newline (no "```py", "```Python", trailing spaces or
 * CRLF), a block needs a newline before its closing fence, and an unclosed block is not a block.
 *
 * Lenient modes (not in the paper) scan fences line by line, so the closing fence of another
 * language's block never opens a false block; they accept fences tagged python/py/python3 (any case,
 * indented, trailing spaces, CRLF, normalised to LF), fall back to untagged fences, and take the
 * `first` or the `longest` block when there are several. An unclosed block (a truncated response) is
 * still not a block.
 */
import type { Extraction } from "./types.js";

export const CODE_MODES = ["reference", "first", "longest"] as const;
export type CodeMode = (typeof CODE_MODES)[number];

export interface CodeOptions {
  /** Default `reference`. */
  mode?: CodeMode;
}

const REFERENCE_PYTHON = /```python\n([\s\S]*?)\n```/g;
const REFERENCE_PLAIN = /```\n([\s\S]*?)\n```/g;
const FENCE = /^[ \t]*```[ \t]*([^\s`]*)[ \t]*$/;
const PYTHON_TAGS = new Set(["python", "py", "python3"]);

function matches(pattern: RegExp, text: string): string[] {
  return [...text.matchAll(pattern)].map((m) => m[1] ?? "");
}

/** Every block the mode's fence rule finds (python-tagged ones, else untagged ones), in order. */
export function findCodeBlocks(response: string, mode: CodeMode = "reference"): string[] {
  if (mode === "reference") {
    const tagged = matches(REFERENCE_PYTHON, response);
    return tagged.length > 0 ? tagged : matches(REFERENCE_PLAIN, response);
  }
  const blocks = scanFences(response);
  const tagged = blocks.filter((b) => PYTHON_TAGS.has(b.tag.toLowerCase())).map((b) => b.text);
  return tagged.length > 0 ? tagged : blocks.filter((b) => b.tag === "").map((b) => b.text);
}

function scanFences(response: string): { tag: string; text: string }[] {
  const blocks: { tag: string; text: string }[] = [];
  let open: { tag: string; indent: number; lines: string[] } | undefined;
  for (const line of response.replaceAll("\r\n", "\n").split("\n")) {
    const fence = FENCE.exec(line);
    if (open) {
      if (fence && fence[1] === "") {
        // A fence indented inside a list item indents its content too: remove up to that much.
        const cut = new RegExp(`^[ \\t]{0,${open.indent}}`);
        blocks.push({ tag: open.tag, text: open.lines.map((l) => l.replace(cut, "")).join("\n") });
        open = undefined;
      } else open.lines.push(line);
    } else if (fence)
      open = { tag: fence[1] ?? "", indent: line.length - line.trimStart().length, lines: [] };
  }
  return blocks;
}

/** The one code block of `response` (reference) or the chosen one (lenient modes), or why none. */
export function extractCode(response: string, options: CodeOptions = {}): Extraction {
  const mode = options.mode ?? "reference";
  const blocks = findCodeBlocks(response, mode);
  if (blocks.length === 0) {
    return { ok: false, reason: mode === "reference" ? "no ```python or ``` code block" : "no code block" };
  }
  if (mode === "reference") {
    if (blocks.length > 1)
      return { ok: false, reason: `${blocks.length} code blocks (exactly one required)` };
    return { ok: true, text: blocks[0] as string };
  }
  if (mode === "first") return { ok: true, text: blocks[0] as string };
  let best = blocks[0] as string;
  for (const b of blocks) if (b.length > best.length) best = b;
  return { ok: true, text: best };
}
