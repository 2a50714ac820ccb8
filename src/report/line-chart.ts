/**
 * A self-contained SVG line chart (no scripts, no external assets): axes with ticks and grid, one
 * path plus point markers per series, a legend. Used for accuracy vs number of tests / solutions and
 * reusable for any small (x, y) plot, e.g. accuracy vs budget.
 */
import { escapeXml } from "./escape.js";
import { colour, makeScale, niceDomain, px, type ScaleKind } from "./svg-axis.js";

export interface LinePoint {
  x: number;
  y: number;
  /** Optional spread drawn as a translucent band around the line (e.g. mean ± std of a bootstrap). */
  lo?: number;
  hi?: number;
}

export interface LineSeries {
  name: string;
  points: LinePoint[];
  /** Dashed stroke, e.g. for a baseline. */
  dashed?: boolean;
  colour?: string;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  xScale?: ScaleKind;
  /** Forces the y domain (e.g. [0, 1]); the default is the data range widened to nice ticks. */
  yDomain?: [number, number];
  /**
   * Values y can take (e.g. [0, 100] for a percentage): points, bands and the axis are clamped to it, so a
   * ± std band near 0 % does not draw the axis down to −20 %.
   */
  yBounds?: [number, number];
  width?: number;
  height?: number;
  formatX?: (x: number) => string;
  formatY?: (y: number) => string;
  /** Stable id for the chart element (and its <title>), for linking and tests. */
  id?: string;
}

const MARGIN = { top: 36, right: 180, bottom: 52, left: 64 };
/** Tick labels are 12 px system-ui; a digit is ≈ 6.7 px there, so 7.5 px per character over-estimates. */
const CHAR_PX = 7.5;
const TICK_GAP_PX = 8;

/**
 * The x ticks that get a label: labels (centred on their tick) must not overlap. The last tick (the largest
 * measured value, e.g. N = 299) always keeps its label; walking left, a tick is labelled only when its label
 * ends a gap before the previous labelled one starts (so 256 is dropped next to 299).
 */
export function labelledTicks(
  ticks: readonly number[],
  at: (t: number) => number,
  label: (t: number) => string,
) {
  const keep = new Set<number>();
  let leftEdge = Number.POSITIVE_INFINITY;
  for (const t of [...ticks].sort((a, b) => at(b) - at(a))) {
    const half = (label(t).length * CHAR_PX) / 2;
    if (at(t) + half + TICK_GAP_PX <= leftEdge) {
      keep.add(t);
      leftEdge = at(t) - half;
    }
  }
  return keep;
}

/** Render the chart as an `<svg>` element string. Series with no finite points are listed in the legend only. */
// Long: one SVG built top to bottom (axes, bands, series, legend) over the same scales and margins.
export function lineChart(o: LineChartOptions): string {
  const width = o.width ?? 760;
  const height = o.height ?? 380;
  const kind = o.xScale ?? "linear";
  const fx = o.formatX ?? ((x: number) => String(x));
  const fy = o.formatY ?? ((y: number) => String(y));
  const [yMin, yMax] = o.yBounds ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  const clampY = (v: number | undefined) => (v === undefined ? v : Math.min(yMax, Math.max(yMin, v)));
  const series = o.series.map((s) => ({
    ...s,
    points: s.points
      .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (kind !== "log2" || p.x > 0))
      .map((p) => ({ ...p, y: clampY(p.y)!, lo: clampY(p.lo), hi: clampY(p.hi) }))
      .sort((a, b) => a.x - b.x),
  }));
  const all = series.flatMap((s) => s.points);
  const xs = all.map((p) => p.x);
  const ys = all.flatMap((p) => [p.y, p.lo ?? p.y, p.hi ?? p.y]).filter(Number.isFinite);
  let xDomain: [number, number] =
    xs.length > 0 ? [Math.min(...xs), Math.max(...xs)] : kind === "log2" ? [1, 2] : [0, 1];
  if (kind === "linear") xDomain = niceDomain(xDomain[0], xDomain[1]);
  else if (xDomain[0] === xDomain[1]) xDomain = [xDomain[0] / 2, xDomain[1] * 2];
  let yDomain = o.yDomain ?? (ys.length > 0 ? niceDomain(Math.min(...ys), Math.max(...ys)) : [0, 1]);
  // Nice rounding may step outside the bounds (98 % → 100 % is fine, 0 % → −20 % is not).
  if (o.yBounds) yDomain = [Math.max(yMin, yDomain[0]), Math.min(yMax, yDomain[1])];

  const plotLeft = MARGIN.left;
  const plotRight = width - MARGIN.right;
  const plotTop = MARGIN.top;
  const plotBottom = height - MARGIN.bottom;
  // On a log axis the measured x values (1, 2, 4, …, N) are the natural ticks; N need not be a power of 2.
  const distinctX = [...new Set(xs)].sort((a, b) => a - b);
  const xTicks = kind === "log2" && distinctX.length > 0 && distinctX.length <= 12 ? distinctX : undefined;
  const sx = makeScale(kind, xDomain, [plotLeft, plotRight], 5, xTicks);
  const sy = makeScale("linear", yDomain, [plotBottom, plotTop]);
  const id = o.id ? ` id="${escapeXml(o.id)}"` : "";
  const titleId = `${o.id ?? "chart"}-title`;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart line-chart"${id} width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${escapeXml(titleId)}" font-family="system-ui, sans-serif" font-size="12">`,
    `<title id="${escapeXml(titleId)}">${escapeXml(o.title)}</title>`,
    `<text class="chart-title" x="${px(plotLeft)}" y="20" font-size="14" font-weight="600">${escapeXml(o.title)}</text>`,
  );

  // Grid and y axis.
  out.push('<g class="axis y-axis">');
  for (const t of sy.ticks) {
    const y = px(sy(t));
    out.push(
      `<line class="grid" x1="${px(plotLeft)}" x2="${px(plotRight)}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`,
      `<text class="tick" x="${px(plotLeft - 6)}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(fy(t))}</text>`,
    );
  }
  out.push(
    `<line x1="${px(plotLeft)}" x2="${px(plotLeft)}" y1="${px(plotTop)}" y2="${px(plotBottom)}" stroke="#333"/>`,
    `<text class="axis-label" transform="translate(16 ${px((plotTop + plotBottom) / 2)}) rotate(-90)" text-anchor="middle">${escapeXml(o.yLabel)}</text>`,
    "</g>",
  );

  // x axis.
  out.push('<g class="axis x-axis">');
  out.push(
    `<line x1="${px(plotLeft)}" x2="${px(plotRight)}" y1="${px(plotBottom)}" y2="${px(plotBottom)}" stroke="#333"/>`,
  );
  // Every tick keeps its mark; only labels that fit are written (the measured x values can crowd: 256, 299).
  const labelled = labelledTicks(sx.ticks, sx, fx);
  for (const t of sx.ticks) {
    const x = px(sx(t));
    out.push(
      `<line class="tick-mark" x1="${x}" x2="${x}" y1="${px(plotBottom)}" y2="${px(plotBottom + 5)}" stroke="#333"/>`,
    );
    if (labelled.has(t)) {
      out.push(
        `<text class="tick" x="${x}" y="${px(plotBottom + 18)}" text-anchor="middle">${escapeXml(fx(t))}</text>`,
      );
    }
  }
  out.push(
    `<text class="axis-label" x="${px((plotLeft + plotRight) / 2)}" y="${px(height - 10)}" text-anchor="middle">${escapeXml(o.xLabel)}</text>`,
    "</g>",
  );

  // Series.
  // Strategies often tie, so lines coincide: earlier series are drawn wider (and later ones on top), so
  // every coinciding line still shows as a coloured edge and a larger point.
  const solid = series.filter((s) => !s.dashed).length;
  let rank = 0;
  const widths = series.map((s) => (s.dashed ? 1.5 : 2 + 1.5 * (solid - 1 - rank++)));
  series.forEach((s, i) => {
    const c = s.colour ?? colour(i);
    const w = widths[i] ?? 2;
    const name = escapeXml(s.name);
    out.push(`<g class="series" data-series="${name}" data-points="${s.points.length}">`);
    const banded = s.points.filter((p) => Number.isFinite(p.lo) && Number.isFinite(p.hi));
    if (banded.length > 1 && banded.some((p) => p.hi! > p.lo!)) {
      const upper = banded.map((p, k) => `${k === 0 ? "M" : "L"}${px(sx(p.x))},${px(sy(p.hi!))}`);
      const lower = [...banded].reverse().map((p) => `L${px(sx(p.x))},${px(sy(p.lo!))}`);
      out.push(
        `<path class="band" d="${[...upper, ...lower].join(" ")} Z" fill="${c}" fill-opacity="0.15" stroke="none"/>`,
      );
    }
    if (s.points.length > 0) {
      const d = s.points.map((p, k) => `${k === 0 ? "M" : "L"}${px(sx(p.x))},${px(sy(p.y))}`).join(" ");
      const dash = s.dashed ? ' stroke-dasharray="6 4"' : "";
      out.push(
        `<path class="line" d="${d}" fill="none" stroke="${c}" stroke-width="${w}" stroke-linejoin="round"${dash}/>`,
      );
      for (const p of s.points) {
        out.push(
          `<circle class="point" cx="${px(sx(p.x))}" cy="${px(sy(p.y))}" r="${px(w / 2 + 1.5)}" fill="${c}"><title>${name}: ${escapeXml(fx(p.x))} → ${escapeXml(fy(p.y))}</title></circle>`,
        );
      }
    }
    out.push("</g>");
  });

  // Legend, right of the plot.
  out.push('<g class="legend">');
  series.forEach((s, i) => {
    const c = s.colour ?? colour(i);
    const y = plotTop + 8 + i * 20;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : "";
    out.push(
      `<line x1="${px(plotRight + 16)}" x2="${px(plotRight + 40)}" y1="${px(y)}" y2="${px(y)}" stroke="${c}" stroke-width="${widths[i] ?? 2}"${dash}/>`,
      `<text class="legend-label" x="${px(plotRight + 46)}" y="${px(y)}" dominant-baseline="middle">${escapeXml(s.name)}</text>`,
    );
  });
  out.push("</g>", "</svg>");
  return out.join("\n");
}
