/**
 * Layout of report.html measured in real headless Chromium (issue 15 item 11): ± std bands keep the
 * accuracy axis inside [0, 100] %, x tick labels never overlap (the measured m = 256 and 299 sit 4 px apart
 * on a log axis), and heatmap rows are sorted by tests passed with their solution ids kept.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EvalSummary } from "../../src/evaluate/summary-types.js";
import { heatmap, lineChart, renderHtml } from "../../src/report/index.js";
import { launchChromium, type OpenedPage, openFile } from "../support/chromium.js";
import { FEATURED_ROWS, fixtureSummary } from "./fixture.js";

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
/** SVGRect's fields are prototype getters: page functions copy them, or the box crosses to Node as {}. */
type Bboxed = { getBBox(): Box };

let browser: Browser;
let dir: string;

beforeAll(async () => {
  browser = await launchChromium();
  dir = mkdtempSync(join(tmpdir(), "coderm-report-layout-"));
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(name: string, html: string): Promise<OpenedPage> {
  const file = join(dir, name);
  writeFileSync(file, html);
  return openFile(browser, file);
}

/** The demo's shape: m = 1, 2, 4, …, 256, 299 tests, one curve near 0 % and one near 100 % with wide bands. */
const DEMO_M = [1, 2, 4, 8, 16, 32, 64, 128, 256, 299];
function demoSummary(): EvalSummary {
  const s = fixtureSummary();
  const curve = (mean: number, std: number) => DEMO_M.map((m) => ({ n: 100, m, mean, std }));
  return {
    ...s,
    vanilla: 0.335,
    options: { ...s.options, n: 100, m: 299, curve_m: DEMO_M, curve_n: [1, 2, 4, 8, 16, 32, 64, 100] },
    strategies: [
      {
        strategy: "codet",
        best: { n: 100, m: 299, mean: 0.97, std: 0.06 },
        over_m: curve(0.97, 0.06),
        over_n: [1, 2, 4, 8, 16, 32, 64, 100].map((n) => ({ n, m: 299, mean: 0.95, std: 0.1 })),
      },
      {
        strategy: "coderm-vote",
        best: { n: 100, m: 299, mean: 0.02, std: 0.15 },
        over_m: curve(0.02, 0.15),
        over_n: [1, 2, 4, 8, 16, 32, 64, 100].map((n) => ({ n, m: 299, mean: 0.03, std: 0.12 })),
      },
    ],
  };
}

const intersects = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function xTickBoxes(page: Page, chart: string): Promise<{ text: string; box: Box }[]> {
  return page.$$eval(`${chart} .x-axis text.tick`, (ts) =>
    ts.map((t) => {
      const { x, y, width, height } = (t as unknown as Bboxed).getBBox();
      return { text: t.textContent ?? "", box: { x, y, width, height } };
    }),
  );
}

function expectNoOverlap(ticks: { text: string; box: Box }[]): void {
  for (let i = 0; i < ticks.length; i++)
    for (let j = i + 1; j < ticks.length; j++) {
      const [a, b] = [ticks[i]!, ticks[j]!];
      expect(intersects(a.box, b.box), `tick "${a.text}" overlaps "${b.text}"`).toBe(false);
    }
}

describe("report.html layout in headless Chromium", () => {
  it("keeps the accuracy axis and bands within 0–100 % and x tick labels apart", async () => {
    const p = await open("demo.html", renderHtml(demoSummary()));
    try {
      const { page } = p;
      for (const id of ["#chart-tests", "#chart-solutions"]) {
        const ticks = await xTickBoxes(page, id);
        expectNoOverlap(ticks);
        // The ends are labelled: the first measured value and the largest (N or M itself).
        const labels = ticks.map((t) => t.text);
        expect(labels[0]).toBe("1");
        expect(labels.at(-1)).toBe(id === "#chart-tests" ? "299" : "100");
        // Every measured value keeps its tick mark, labelled or not.
        expect(await page.locator(`${id} .x-axis line.tick-mark`).count()).toBe(
          id === "#chart-tests" ? 10 : 8,
        );

        const yLabels = (
          await page.$$eval(`${id} .y-axis text.tick`, (ts) => ts.map((t) => t.textContent))
        ).map(Number);
        expect(yLabels.length).toBeGreaterThanOrEqual(3);
        expect(Math.min(...yLabels)).toBe(0);
        expect(Math.max(...yLabels)).toBe(100);
        // Bands (mean ± std reaching −13 % and 107 %) are drawn inside the plot area.
        const plot = await page.$eval(`${id} .y-axis > line:not(.grid)`, (l) => ({
          top: Number(l.getAttribute("y1")),
          bottom: Number(l.getAttribute("y2")),
        }));
        const bands = await page.$$eval(`${id} path.band`, (bs) =>
          bs.map((b) => {
            const { x, y, width, height } = (b as unknown as Bboxed).getBBox();
            return { x, y, width, height };
          }),
        );
        expect(bands).toHaveLength(2);
        for (const b of bands) {
          expect(b.y).toBeGreaterThanOrEqual(plot.top - 0.01);
          expect(b.y + b.height).toBeLessThanOrEqual(plot.bottom + 0.01);
        }
      }
      expect(p.errors).toEqual([]);
    } finally {
      await p.close();
    }
  });

  it("thins crowded x labels by the width available, on narrow and linear charts too", async () => {
    const xs = [1, 2, 4, 8, 16, 32, 64, 128, 256, 299];
    const narrow = lineChart({
      id: "narrow",
      title: "narrow",
      xLabel: "m",
      yLabel: "acc",
      xScale: "log2",
      width: 440,
      series: [{ name: "s", points: xs.map((x) => ({ x, y: Math.log2(x) })) }],
    });
    const dense = lineChart({
      id: "dense",
      title: "dense",
      xLabel: "budget",
      yLabel: "acc",
      width: 520,
      formatX: (x) => `${x.toFixed(0)} pairs`,
      series: [{ name: "s", points: [0, 20000, 40000, 60000, 80000, 100000].map((x) => ({ x, y: x })) }],
    });
    const p = await open("narrow.html", `<!DOCTYPE html><html><body>${narrow}${dense}</body></html>`);
    try {
      for (const id of ["#narrow", "#dense"]) {
        const ticks = await xTickBoxes(p.page, id);
        expect(ticks.length).toBeGreaterThanOrEqual(2);
        expectNoOverlap(ticks);
      }
      expect((await xTickBoxes(p.page, "#narrow")).at(-1)?.text).toBe("299");
      expect(p.errors).toEqual([]);
    } finally {
      await p.close();
    }
  });

  it("sorts heatmap rows by tests passed, equal rows together, then by id, with ids and marks kept", async () => {
    const p = await open("hm.html", renderHtml(fixtureSummary()));
    try {
      const { page } = p;
      // FEATURED_ROWS passes: 5, 4, 2, 0, 5, 3, 2; ties: 0 and 4 identical, 2 ("11000") before 6 ("01010").
      const rows = await page.$$eval("svg.heatmap g.row", (gs) =>
        gs.map((g) => ({
          id: Number(g.getAttribute("data-solution")),
          y: Number(g.querySelector("rect.cell")?.getAttribute("y")),
          passes: g.querySelectorAll("rect.cell.hm-p").length,
        })),
      );
      expect(rows.map((r) => r.id)).toEqual([0, 4, 1, 5, 2, 6, 3]);
      expect(rows.map((r) => r.passes)).toEqual([5, 5, 4, 3, 2, 2, 0]);
      for (let k = 1; k < rows.length; k++) expect(rows[k]!.y).toBeGreaterThan(rows[k - 1]!.y);
      expect(rows.map((r) => r.passes)).toEqual(
        rows.map((r) => FEATURED_ROWS[r.id]!.split("").filter((c) => c === "1").length),
      );
      // The index label, the correctness mark and the chosen marks sit on their solution's row.
      const yOf = new Map(rows.map((r) => [r.id, r.y]));
      const labels = await page.$$eval("svg.heatmap g.row-labels text", (ts) =>
        ts.map((t) => ({ id: Number(t.textContent), y: Number(t.getAttribute("y")) })),
      );
      const cellSize = await page.$eval("svg.heatmap rect.cell", (r) => Number(r.getAttribute("height")));
      expect(labels.map((l) => l.id)).toEqual([0, 4, 1, 5, 2, 6, 3]);
      for (const l of labels) expect(l.y).toBeCloseTo(yOf.get(l.id)! + cellSize / 2, 1);
      const correctYs = await page.$$eval("svg.heatmap rect.mark.correct", (rs) =>
        rs.map((r) => Number(r.getAttribute("y"))),
      );
      expect(correctYs.sort((a, b) => a - b)).toEqual(
        [0, 1, 4].map((i) => yOf.get(i)!).sort((a, b) => a - b),
      );
      const chosenYs = await page.$$eval('svg.heatmap rect.mark.chosen[data-marker="CodeRM vote"]', (rs) =>
        rs.map((r) => Number(r.getAttribute("y"))),
      );
      expect(chosenYs.sort((a, b) => a - b)).toEqual([yOf.get(0)!, yOf.get(4)!].sort((a, b) => a - b));
      // The order is stated on the figure, and the subtitle fits inside it.
      const sub = page.locator("svg.heatmap text", { hasText: "sorted by tests passed" });
      expect(await sub.count()).toBe(1);
      const [subBox, svgBox] = [await sub.boundingBox(), await page.locator("svg.heatmap").boundingBox()];
      expect(subBox!.x + subBox!.width).toBeLessThanOrEqual(svgBox!.x + svgBox!.width);
      expect(p.errors).toEqual([]);
    } finally {
      await p.close();
    }
  });

  it("keeps the file order when asked", async () => {
    const svg = heatmap({ title: "given", rows: FEATURED_ROWS, order: "given" });
    const p = await open("given.html", `<!DOCTYPE html><html><body>${svg}</body></html>`);
    try {
      const ids = await p.page.$$eval("svg.heatmap g.row", (gs) =>
        gs.map((g) => Number(g.getAttribute("data-solution"))),
      );
      expect(ids).toEqual([0, 1, 2, 3, 4, 5, 6]);
    } finally {
      await p.close();
    }
  });
});
