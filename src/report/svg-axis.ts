/**
 * Scales and ticks for the hand-written SVG charts. We draw linear and log2 axes only, so a few
 * lines here replace d3-scale and its six transitive packages (see README "Why no chart library").
 */

export type ScaleKind = "linear" | "log2";

export interface Scale {
  (value: number): number;
  ticks: number[];
}

/** Round step of 1, 2 or 5 × 10^k giving about `count` intervals over [lo, hi]. */
export function niceStep(lo: number, hi: number, count: number): number {
  const span = hi - lo;
  if (!(span > 0)) return 1;
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const k = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10;
  return k * mag;
}

/** Widen [lo, hi] to multiples of a nice step; a zero-width domain becomes a small interval around it. */
export function niceDomain(lo: number, hi: number, count = 5): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi - lo < 1e-12) {
    const pad = Math.abs(lo) > 1e-12 ? Math.abs(lo) * 0.05 : 0.05;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep(lo, hi, count);
  return [Math.floor(lo / step + 1e-9) * step, Math.ceil(hi / step - 1e-9) * step];
}

function linearTicks(lo: number, hi: number, count: number): number[] {
  const step = niceStep(lo, hi, count);
  const out: number[] = [];
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  for (let i = first; i <= last; i++) out.push(Number((i * step).toPrecision(12)));
  return out;
}

/** Powers of two within [lo, hi] (lo > 0), thinned to at most ~10 labels. */
function log2Ticks(lo: number, hi: number): number[] {
  const a = Math.ceil(Math.log2(lo) - 1e-9);
  const b = Math.floor(Math.log2(hi) + 1e-9);
  const every = Math.max(1, Math.ceil((b - a + 1) / 10));
  const out: number[] = [];
  for (let e = a; e <= b; e += every) out.push(2 ** e);
  return out;
}

/** Map the domain onto the pixel range [r0, r1]; log2 needs a positive domain. */
export function makeScale(
  kind: ScaleKind,
  domain: [number, number],
  range: [number, number],
  tickCount = 5,
  /** Explicit tick values (e.g. the measured x values), used instead of computed ones. */
  ticks?: number[],
): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const f = kind === "log2" ? Math.log2 : (v: number) => v;
  const f0 = f(d0);
  const span = f(d1) - f0;
  const scale = ((v: number) =>
    span === 0 ? (r0 + r1) / 2 : r0 + ((f(v) - f0) / span) * (r1 - r0)) as Scale;
  scale.ticks = ticks ?? (kind === "log2" ? log2Ticks(d0, d1) : linearTicks(d0, d1, tickCount));
  return scale;
}

/** Coordinates rounded to 0.01 px keep the markup small without visible change. */
export function px(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/**
 * Categorical colours (Tableau 10), reordered so the first strategies never take the heatmap's
 * pass green or fail red: a chosen-set marker must not read as a cell.
 */
export const PALETTE = [
  "#4e79a7",
  "#f28e2b",
  "#b07aa1",
  "#76b7b2",
  "#9c755f",
  "#edc948",
  "#ff9da7",
  "#bab0ac",
  "#59a14f",
  "#e15759",
] as const;

export function colour(i: number): string {
  return PALETTE[i % PALETTE.length] ?? "#4e79a7";
}
