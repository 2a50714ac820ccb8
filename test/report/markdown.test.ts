import { describe, expect, it } from "vitest";
import {
  escapeMarkdownCell,
  escapeXml,
  parseSummary,
  renderJson,
  renderMarkdown,
} from "../../src/report/index.js";
import { fixtureSummary, HOSTILE_ID } from "./fixture.js";

/** Parse the Markdown table that follows `heading` into rows of trimmed cells (header first). */
function tableAfter(md: string, heading: string): string[][] {
  const lines = md.split("\n");
  const start = lines.findIndex((l) => l.startsWith("#") && l.includes(heading));
  expect(start, `heading ${heading}`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.startsWith("|")) {
      // Split on pipes not escaped with a backslash.
      rows.push(
        l
          .slice(1, -1)
          .split(/(?<!\\)\|/)
          .map((c) => c.trim()),
      );
    } else if (rows.length > 0) break;
  }
  return rows.filter((r) => !r.every((c) => /^-+:?$/.test(c)));
}

describe("renderMarkdown", () => {
  const md = renderMarkdown(fixtureSummary());

  it("lays out best-of-n with methods as rows and the run as column", () => {
    const t = tableAfter(md, "Best-of-n");
    expect(t[0]).toEqual(["Method", "HumanEval+ / Llama3-8B (n=7, m=5)"]);
    expect(t[1]).toEqual(["Vanilla", "53.58"]);
    expect(t[2]).toEqual(["CodeRM vote", "72.01"]);
    expect(t[3]).toEqual(["CodeT", "65.30"]);
    expect(t).toHaveLength(4);
  });

  it("prints pass@k and the unit-test quality table with paper FAR/FRR and standard rates", () => {
    const p = tableAfter(md, "pass@k");
    expect(p[2]).toEqual(["pass@2", "60.00"]);
    const q = tableAfter(md, "Unit-test quality");
    expect(q[0]?.slice(0, 6)).toEqual(["Run", "Unit tests", "Acc", "F1", "FAR", "FRR"]);
    // individual: tp 40 tn 30 fp 10 fn 20 → acc 70, FAR 10/50 = 20, FRR 20/50 = 40, FPR 10/40 = 25, FNR 20/60.
    const ind = q.find((r) => r[1] === "individual")!;
    expect(ind[2]).toBe("70.00");
    expect(ind[4]).toBe("20.00");
    expect(ind[5]).toBe("40.00");
    expect(ind[8]).toBe("25.00");
    expect(ind[9]).toBe("33.33");
    const mul = q.find((r) => r[1] === "multiple")!;
    expect(mul[2]).toBe("80.00");
  });

  it("escapes problem ids in the per-problem table", () => {
    const t = tableAfter(md, "Per problem");
    expect(t).toHaveLength(3);
    expect(t[1]![0]).toBe(escapeMarkdownCell(HOSTILE_ID));
    expect(t[1]![0]).not.toContain("<script>");
    expect(t[1]![3]).toBe("3/7");
    // More than 8 chosen would be elided; 7 are listed in full.
    expect(t[2]![5]).toBe("0.00 [1,2,3,4,5,6,0]");
  });

  it("puts several runs side by side and leaves absent cells as a dash", () => {
    const a = fixtureSummary();
    const b = { ...fixtureSummary(), title: "MBPP+ / Llama3-8B", vanilla: null, strategies: [] };
    const t = tableAfter(renderMarkdown([a, b], { perProblem: false }), "Best-of-n");
    expect(t[0]).toHaveLength(3);
    expect(t[1]).toEqual(["Vanilla", "53.58", "—"]);
    expect(t[2]).toEqual(["CodeRM vote", "72.01", "—"]);
  });

  it("lists notes", () => {
    expect(md).toContain("- 1 results line was malformed");
  });
});

describe("escaping and JSON", () => {
  it("escapes XML specials", () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
  it("escapes Markdown cell breakers", () => {
    expect(escapeMarkdownCell("a|b\nc_`d`")).toBe("a\\|b c\\_\\`d\\`");
  });
  it("round-trips the summary and rejects foreign JSON", () => {
    const s = fixtureSummary();
    expect(parseSummary(renderJson(s))).toEqual(s);
    expect(() => parseSummary('{"a":1}', "x.json")).toThrow(/x.json: not an eval summary/);
    expect(() => parseSummary("{", "y.json")).toThrow(/y.json: invalid JSON/);
  });
});
