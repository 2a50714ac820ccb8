import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { heatmap, lineChart, renderHtml } from "../../src/report/index.js";
import { launchChromium, type OpenedPage, openFile } from "../support/chromium.js";
import { FEATURED_ROWS, fixtureSummary, HOSTILE_ID } from "./fixture.js";

/** The page-side global we use (the project compiles without the DOM lib). */
interface BrowserGlobals {
  getComputedStyle(e: unknown): { fill: string };
}

let browser: Browser;
let dir: string;

beforeAll(async () => {
  browser = await launchChromium();
  dir = mkdtempSync(join(tmpdir(), "coderm-report-"));
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

describe("HTML report in headless Chromium", () => {
  it("renders title, tables, charts with data and the heatmap, with no errors or requests", async () => {
    const s = fixtureSummary();
    const p = await open("report.html", renderHtml(s));
    try {
      const { page } = p;
      expect(await page.title()).toBe("coderm evaluation: HumanEval+ / Llama3-8B");
      // Best-of-n table: Vanilla + 2 strategies.
      const best = await page.$$eval("table.best-of-n tbody tr", (rows) =>
        rows.map((r) => [...r.querySelectorAll("td")].map((c) => c.textContent)),
      );
      expect(best).toEqual([
        ["Vanilla", "53.58"],
        ["CodeRM vote", "72.01"],
        ["CodeT", "65.30"],
      ]);
      expect(await page.locator("table.test-quality tbody tr").count()).toBe(2);
      expect(await page.locator("table.problems tbody tr").count()).toBe(2);

      // Charts: one path per series, each with as many points as the curve.
      for (const id of ["#chart-tests", "#chart-solutions"]) {
        const series = await page.$$eval(`${id} g.series`, (gs) =>
          gs.map((g) => ({
            name: g.getAttribute("data-series"),
            vertices: (g.querySelector("path.line")?.getAttribute("d") ?? "")
              .split(/[ML]/)
              .filter((x: string) => x.trim()).length,
            circles: g.querySelectorAll("circle.point").length,
            length:
              (
                g.querySelector("path.line") as unknown as { getTotalLength(): number } | null
              )?.getTotalLength() ?? 0,
          })),
        );
        expect(series.map((x) => x.name)).toEqual(["CodeRM vote", "CodeT", "Vanilla"]);
        expect(series[0]).toMatchObject({ vertices: 4, circles: 4 });
        expect(series[2]).toMatchObject({ vertices: 2, circles: 2 });
        for (const x of series) expect(x.length).toBeGreaterThan(50);
        expect(await page.locator(`${id} .x-axis text.tick`).count()).toBeGreaterThanOrEqual(3);
        expect(await page.locator(`${id} .y-axis text.tick`).count()).toBeGreaterThanOrEqual(3);
      }
      // Only CodeRM vote's over-m curve has a spread, drawn as one closed band.
      expect(await page.locator("#chart-tests path.band").count()).toBe(1);
      expect(await page.locator('#chart-tests g.series[data-series="CodeRM vote"] path.band').count()).toBe(
        1,
      );
      expect(await page.locator("#chart-solutions path.band").count()).toBe(0);
      // The higher curve is drawn higher: CodeRM vote's last point above CodeT's.
      const lastY = await page.$$eval("#chart-tests g.series", (gs) =>
        gs.map((g) => Number([...g.querySelectorAll("circle.point")].at(-1)?.getAttribute("cy"))),
      );
      expect(lastY[0]!).toBeLessThan(lastY[1]!);

      // Heatmap: N × M cells, coloured by class, missing cell kept distinct.
      const hm = page.locator("svg.heatmap");
      expect(await hm.count()).toBe(1);
      const cells = await page.$$eval("svg.heatmap rect.cell", (rs) =>
        rs.map((r) => (globalThis as unknown as BrowserGlobals).getComputedStyle(r).fill),
      );
      expect(cells).toHaveLength(FEATURED_ROWS.length * 5);
      const colours = new Set(cells);
      expect(colours.size).toBe(3);
      expect(await page.locator("svg.heatmap rect.cell.hm-x").count()).toBe(1);
      expect(await page.locator("svg.heatmap rect.mark.correct").count()).toBe(3);
      expect(await page.locator('svg.heatmap rect.mark.chosen[data-marker="CodeRM vote"]').count()).toBe(2);
      const box = await hm.boundingBox();
      expect(box!.width).toBeGreaterThan(100);

      // Escaped id shows as text; nothing was injected.
      expect(await page.locator("script").count()).toBe(0);
      expect(await page.locator("table.problems td.text").first().textContent()).toBe(HOSTILE_ID);

      expect(p.errors).toEqual([]);
      expect(p.externalRequests).toEqual([]);
    } finally {
      await p.close();
    }
  });

  it("renders a report without labels: tables with dashes, no curves, heatmap still there", async () => {
    const s = {
      ...fixtureSummary(),
      vanilla: null,
      pass_at_k: [],
      strategies: [],
      test_quality: null,
      notes: ["no labels: metrics skipped"],
    };
    const p = await open("nolabels.html", renderHtml(s));
    try {
      expect(await p.page.locator("svg.line-chart").count()).toBe(0);
      expect(await p.page.locator("table.test-quality").count()).toBe(0);
      expect(await p.page.locator("ul.notes li").first().textContent()).toBe("no labels: metrics skipped");
      expect(await p.page.locator("svg.heatmap rect.cell").count()).toBe(35);
      expect(p.errors).toEqual([]);
    } finally {
      await p.close();
    }
  });

  it("the Chromium helper catches page errors, console errors and requests leaving the file", async () => {
    const p = await open(
      "bad.html",
      `<!DOCTYPE html><html><body><img src="http://127.0.0.1:9/x.png"><script>console.error("boom"); null.x;</script></body></html>`,
    );
    try {
      expect(p.errors.some((e) => e.startsWith("console: boom"))).toBe(true);
      expect(p.errors.some((e) => e.startsWith("pageerror:"))).toBe(true);
      expect(p.externalRequests).toEqual(["http://127.0.0.1:9/x.png"]);
    } finally {
      await p.close();
    }
  });

  it("draws a standalone line chart and a large heatmap as valid SVG documents", async () => {
    const chart = lineChart({
      title: "t <1>",
      xLabel: "budget",
      yLabel: "acc",
      xScale: "linear",
      series: [{ name: "a&b", points: [0, 1, 2, 3].map((x) => ({ x, y: x * x })) }],
    });
    const rows = Array.from({ length: 200 }, (_, i) =>
      Array.from({ length: 40 }, (_, j) =>
        (i * 7 + j) % 3 === 0 ? "1" : (i + j) % 11 === 0 ? "." : "0",
      ).join(""),
    );
    const big = heatmap({ title: "big", rows, correct: rows.map((_, i) => i % 2 === 0) });
    const p = await open("svg.html", `<!DOCTYPE html><html><body>${chart}${big}</body></html>`);
    try {
      expect(await p.page.locator("svg.line-chart text.legend-label").textContent()).toBe("a&b");
      expect(await p.page.locator("svg.heatmap rect.cell").count()).toBe(200 * 40);
      expect(await p.page.locator("svg.heatmap rect.cell.hm-x").count()).toBe(
        rows
          .join("")
          .split("")
          .filter((c) => c === ".").length,
      );
      expect(p.errors).toEqual([]);
    } finally {
      await p.close();
    }
  });
});
