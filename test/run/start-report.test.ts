/**
 * The README's first command (`npm start`: `coderm run` replaying the bundled CodeT slice) on a small
 * limit: it prints the table and writes a report that real headless Chromium renders without errors.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runConfigJsonSchema } from "../../src/run/config.js";
import { openFile, withChromium } from "../support/chromium.js";

const ROOT = resolve(import.meta.dirname, "../..");
const CLI = [join(ROOT, "node_modules/tsx/dist/cli.mjs"), join(ROOT, "src/cli/main.ts")];
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
};

describe("npm start (CodeT replay) and its report", () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "coderm-start-"));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("prints vanilla, CodeRM vote and CodeT, and the report opens in Chromium", async () => {
    // The same command as `npm start`, on two problems and ten test samples each to stay quick.
    const start = pkg.scripts.start!.split(" ");
    // npm start runs the compiled CLI (prestart builds it); the test runs the sources so it needs no build.
    expect(start.slice(0, 5)).toEqual(["node", "dist/cli/main.js", "run", "--codet", "vendor/codet"]);
    expect(pkg.scripts.prestart).toBe("npm run build");
    const out = join(work, "slice");
    const r = spawnSync(
      process.execPath,
      [...CLI, ...start.slice(2, 5), "--out", out, "--limit", "2", "-m", "10", "--samples", "10"],
      {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 280_000,
      },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\| Vanilla \(pass@1 of a random sample\)\s+\|\s+\d+\.\d\d \|/);
    expect(r.stdout).toMatch(/\| CodeRM vote .*\|\s+\d+\.\d\d \|/);
    expect(r.stdout).toMatch(/\| CodeT .*\|\s+\d+\.\d\d \|/);
    expect(r.stdout).toContain(join(out, "report.html"));
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as {
      counts: { problems: number; labelled_problems: number };
    };
    expect(summary.counts).toMatchObject({ problems: 2, labelled_problems: 2 });

    await withChromium(async (browser) => {
      const opened = await openFile(browser, join(out, "report.html"));
      try {
        expect(opened.errors).toEqual([]);
        expect(opened.externalRequests).toEqual([]);
        expect(await opened.page.locator("table").count()).toBeGreaterThan(0);
        const charts = await opened.page.locator("svg path").count();
        expect(charts).toBeGreaterThan(0);
        expect(await opened.page.locator("svg rect").count()).toBeGreaterThan(10); // the pass-matrix heatmap
      } finally {
        await opened.close();
      }
    });
  }, 300_000);

  it("keeps docs/coderm.config.schema.json in step with the zod schema", () => {
    const onDisk = JSON.parse(readFileSync(join(ROOT, "docs/coderm.config.schema.json"), "utf8")) as unknown;
    expect(onDisk).toEqual(runConfigJsonSchema());
  });

  it("reads coderm.config.json from the working directory and names the bad field", () => {
    const dir = join(work, "cfg");
    spawnSync("mkdir", ["-p", dir]);
    writeFileSync(
      join(dir, "coderm.config.json"),
      JSON.stringify({ benchmark: "humaneval", out: join(dir, "o"), n: 0 }),
    );
    const bad = spawnSync(process.execPath, [...CLI, "run", "--quiet"], {
      cwd: dir,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/coderm\.config\.json: n: /);
  });
});
