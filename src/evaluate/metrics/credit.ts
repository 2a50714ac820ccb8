import type { Ranking } from "../../select/types.js";

/**
 * A problem's credit: the share of the chosen set that is correct, i.e. the expected accuracy of a
 * uniform pick among the chosen (the reference's rule). Unlabelled ids count as incorrect; an empty
 * chosen set (no solutions) earns 0.
 */
export function credit(ranking: Pick<Ranking, "chosen">, correct: ReadonlyArray<boolean>): number {
  const { chosen } = ranking;
  if (chosen.length === 0) return 0;
  let ok = 0;
  for (const id of chosen) if (correct[id] === true) ok++;
  return ok / chosen.length;
}
