/** Reports: render an `EvalSummary` as JSON, Markdown (the paper's tables) or self-contained HTML + SVG. */
export { escapeMarkdownCell, escapeXml, pct } from "./escape.js";
export { HEATMAP_COLOURS, type HeatmapMarker, type HeatmapOptions, heatmap } from "./heatmap.js";
export { renderHtml } from "./html.js";
export { parseSummary, renderJson } from "./json.js";
export { type LineChartOptions, type LinePoint, type LineSeries, lineChart } from "./line-chart.js";
export {
  bestOfNTable,
  type MarkdownOptions,
  passAtKTable,
  perProblemTable,
  renderMarkdown,
  testQualityTable,
} from "./markdown.js";
export { strategyLabel } from "./names.js";
export { colour, makeScale, niceDomain, niceStep, PALETTE, type Scale, type ScaleKind } from "./svg-axis.js";
