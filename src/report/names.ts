/** Display names of selection strategies, in the paper's wording where it has one. */
const NAMES: Record<string, string> = {
  "coderm-vote": "CodeRM vote",
  argmax: "Argmax (Eq. 1)",
  codet: "CodeT",
  "codet-product": "CodeT (product)",
  "pass-rate": "Pass rate",
};

export function strategyLabel(name: string): string {
  return NAMES[name] ?? name;
}
