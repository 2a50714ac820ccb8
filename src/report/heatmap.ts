/**
 * The pass matrix of one problem as an SVG heatmap: rows are solutions, columns unit tests, one
 * cell per pair coloured pass / fail / missing. Left of the grid, a column marks ground-truth
 * correctness and one column per strategy marks its chosen set, so a reader sees at a glance why a
 * strategy picked what it picked.
 */
import { escapeXml } from "./escape.js";
import { colour, px } from "./svg-axis.js";

export interface HeatmapMarker {
  /** Strategy (or any) name shown in the legend. */
  name: string;
  /** Row indices marked. */
  rows: number[];
  colour?: string;
}

export interface HeatmapOptions {
  title: string;
  /** One string per solution: `1` pass, `0` fail, anything else (`.`) missing. */
  rows: string[];
  /** Ground truth per row; null hides the column. */
  correct?: boolean[] | null;
  markers?: HeatmapMarker[];
  id?: string;
  /** Target width of the grid in px; cells shrink (down to 2 px) to fit. */
  maxGridWidth?: number;
  maxGridHeight?: number;
  /**
   * Row order: `passed` (default) sorts solutions by tests passed, most first, then identical rows together
   * (the sets a vote counts), then by solution id; `given` keeps the file order. Labels keep solution ids.
   */
  order?: "passed" | "given";
}

const passes = (row: string) => row.split("").filter((c) => c === "1").length;

/** Display order of the rows (solution ids) under `order`. */
export function heatmapRowOrder(rows: readonly string[], order: "passed" | "given" = "passed"): number[] {
  const ids = rows.map((_, i) => i);
  if (order === "given") return ids;
  const count = rows.map(passes);
  return ids.sort((a, b) => {
    const d = count[b]! - count[a]!;
    if (d !== 0) return d;
    const ra = rows[a]!;
    const rb = rows[b]!;
    // Descending pattern: passes on the first tests first, so the order reads left to right.
    if (ra !== rb) return ra < rb ? 1 : -1;
    return a - b;
  });
}

const ORDER_CAPTION = {
  passed: "sorted by tests passed (most first; equal rows together, then by id)",
  given: "in solution order",
} as const;

const LEGEND_COLUMN = 190;

export const HEATMAP_COLOURS = { pass: "#59a14f", fail: "#e15759", missing: "#d4d4d4" } as const;

// Long: one SVG built top to bottom; the layout numbers computed first are used by every part after them.
export function heatmap(o: HeatmapOptions): string {
  const n = o.rows.length;
  const m = o.rows.reduce((a, r) => Math.max(a, r.length), 0);
  const cell = Math.max(
    2,
    Math.min(
      16,
      Math.floor((o.maxGridWidth ?? 720) / Math.max(1, m)),
      Math.floor((o.maxGridHeight ?? 900) / Math.max(1, n)),
    ),
  );
  const markers = o.markers ?? [];
  const orderKind = o.order ?? "passed";
  const order = heatmapRowOrder(o.rows, orderKind);
  const showCorrect = o.correct != null;
  const showIndex = cell >= 9;
  const fontSize = Math.min(11, Math.max(8, cell - 1));
  const indexWidth = showIndex ? 8 + String(Math.max(0, n - 1)).length * fontSize * 0.62 : 0;
  const markCell = Math.max(cell, 6);
  const markCols = (showCorrect ? 1 : 0) + markers.length;
  const gridLeft = 12 + indexWidth + markCols * (markCell + 2) + 6;
  const gridTop = 60;
  const gridWidth = m * cell;
  const gridHeight = n * cell;
  const legendTop = gridTop + gridHeight + 16;
  const legendItems = 3 + (showCorrect ? 2 : 0) + markers.length;
  const subtitle = `rows: ${n} solutions, ${ORDER_CAPTION[orderKind]} · columns: ${m} unit tests`;
  // Wide enough for the grid, the three legend columns, the title (≈ 8 px per character at 14 px) and the
  // subtitle (≈ 6.2 px at 11 px).
  const width = Math.max(
    gridLeft + gridWidth + 12,
    12 + 3 * LEGEND_COLUMN,
    24 + o.title.length * 8,
    24 + subtitle.length * 6.2,
  );
  const height = legendTop + 18 * Math.ceil(legendItems / 3) + 8;
  const id = o.id ? ` id="${escapeXml(o.id)}"` : "";
  const titleId = `${o.id ?? "heatmap"}-title`;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart heatmap"${id} width="${px(width)}" height="${px(height)}" viewBox="0 0 ${px(width)} ${px(height)}" role="img" aria-labelledby="${escapeXml(titleId)}" font-family="system-ui, sans-serif" font-size="${fontSize}" data-solutions="${n}" data-tests="${m}" data-order="${orderKind}">`,
    `<title id="${escapeXml(titleId)}">${escapeXml(o.title)}</title>`,
    `<text class="chart-title" x="12" y="20" font-size="14" font-weight="600">${escapeXml(o.title)}</text>`,
    `<text x="12" y="${px(gridTop - 12)}" font-size="11">${escapeXml(subtitle)}</text>`,
  );

  // Row labels: index, correctness, chosen-by markers.
  out.push('<g class="row-labels">');
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const y = gridTop + k * cell;
    if (showIndex) {
      out.push(
        `<text x="${px(12 + indexWidth - 4)}" y="${px(y + cell / 2)}" text-anchor="end" dominant-baseline="middle">${i}</text>`,
      );
    }
    let x = 12 + indexWidth;
    if (showCorrect) {
      const ok = o.correct?.[i];
      const cls = ok === true ? "correct" : ok === false ? "incorrect" : "unlabelled";
      const fill = ok === true ? "#1b7837" : ok === false ? "#ffffff" : "#eeeeee";
      out.push(
        `<rect class="mark ${cls}" x="${px(x)}" y="${px(y)}" width="${px(markCell)}" height="${px(cell)}" fill="${fill}" stroke="#1b7837" stroke-width="0.5"><title>solution ${i}: ${cls}</title></rect>`,
      );
      x += markCell + 2;
    }
    markers.forEach((mk, k) => {
      if (mk.rows.includes(i)) {
        out.push(
          `<rect class="mark chosen" data-marker="${escapeXml(mk.name)}" x="${px(x)}" y="${px(y)}" width="${px(markCell)}" height="${px(cell)}" fill="${mk.colour ?? colour(k)}"><title>solution ${i}: chosen by ${escapeXml(mk.name)}</title></rect>`,
        );
      }
      x += markCell + 2;
    });
  }
  out.push("</g>");

  // Cells. Fill comes from a class (one short attribute each) because matrices reach 200 × 100; the
  // class names are prefixed because a <style> inside inline SVG applies to the whole page.
  out.push(
    `<g class="cells" shape-rendering="crispEdges"><style>.hm-p{fill:${HEATMAP_COLOURS.pass}}.hm-f{fill:${HEATMAP_COLOURS.fail}}.hm-x{fill:${HEATMAP_COLOURS.missing}}</style>`,
  );
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const row = o.rows[i] ?? "";
    const y = px(gridTop + k * cell);
    out.push(`<g class="row" data-solution="${i}">`);
    for (let j = 0; j < m; j++) {
      const ch = row[j];
      const cls = ch === "1" ? "hm-p" : ch === "0" ? "hm-f" : "hm-x";
      out.push(
        `<rect class="cell ${cls}" x="${px(gridLeft + j * cell)}" y="${y}" width="${cell}" height="${cell}"/>`,
      );
    }
    out.push("</g>");
  }
  out.push("</g>");

  // Legend.
  const items: Array<[string, string, string]> = [
    ["pass", HEATMAP_COLOURS.pass, "#fff"],
    ["fail", HEATMAP_COLOURS.fail, "#fff"],
    ["missing (counts as fail)", HEATMAP_COLOURS.missing, "#fff"],
  ];
  if (showCorrect) items.push(["correct", "#1b7837", "#1b7837"], ["incorrect", "#ffffff", "#1b7837"]);
  markers.forEach((mk, k) => {
    items.push([`chosen by ${mk.name}`, mk.colour ?? colour(k), "#fff"]);
  });
  out.push('<g class="legend" font-size="11">');
  items.forEach(([label, fill, stroke], k) => {
    const x = 12 + (k % 3) * LEGEND_COLUMN;
    const y = legendTop + Math.floor(k / 3) * 18;
    out.push(
      `<rect x="${x}" y="${y}" width="10" height="10" fill="${fill}" stroke="${stroke === "#fff" ? "none" : stroke}"/>`,
      `<text x="${x + 14}" y="${y + 5}" dominant-baseline="middle">${escapeXml(label)}</text>`,
    );
  });
  out.push("</g>", "</svg>");
  return out.join("\n");
}
