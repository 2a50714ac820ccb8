import { findCodeBlocks } from "../extract/code-blocks.js";

/** A model response → the code to run: its longest ```python block, or the text itself when it has none. */
export function solutionCode(text: string): string {
  const blocks = findCodeBlocks(text, "longest");
  let best: string | undefined;
  for (const b of blocks) if (best === undefined || b.length > best.length) best = b;
  return best ?? text;
}
