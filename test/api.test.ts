/**
 * The public API is `src/index.ts`: every name is written out there, at most 60 values, and every name a
 * README or doc imports from "coderm" exists (types checked against the export list, values at runtime).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import * as api from "../src/index.js";

const ROOT = resolve(import.meta.dirname, "..");
const INDEX = readFileSync(join(ROOT, "src/index.ts"), "utf8");

/** Every name `export { … }` blocks in src/index.ts list, split into values and types. */
function listed(): { values: string[]; types: string[] } {
  const values: string[] = [];
  const types: string[] = [];
  for (const m of INDEX.matchAll(/export (type )?\{([^}]*)\}/g)) {
    for (const raw of m[2]!.split(",")) {
      const name = raw.trim();
      if (!name) continue;
      if (m[1] || name.startsWith("type ")) types.push(name.replace(/^type /, ""));
      else values.push(name);
    }
  }
  return { values, types };
}

/** Markdown files that show library code: the README, docs/, and the folder READMEs under src/. */
function docs(): string[] {
  const out = [join(ROOT, "README.md")];
  for (const f of readdirSync(join(ROOT, "docs"))) if (f.endsWith(".md")) out.push(join(ROOT, "docs", f));
  for (const d of readdirSync(join(ROOT, "src"), { withFileTypes: true }))
    if (d.isDirectory()) {
      const readme = join(ROOT, "src", d.name, "README.md");
      try {
        readFileSync(readme);
        out.push(readme);
      } catch {
        // no README in this folder
      }
    }
  return out;
}

describe("src/index.ts", () => {
  const { values, types } = listed();

  it("lists its exports explicitly, at most 60 values", () => {
    expect(INDEX).not.toMatch(/^export \*/m);
    expect(values.length).toBeLessThanOrEqual(60);
    expect(Object.keys(api).sort()).toEqual([...values].sort());
  });

  it("every listed value is defined", () => {
    const exported = new Map(Object.entries(api));
    for (const name of values) expect(exported.get(name), name).toBeDefined();
  });

  it("every name the docs import from coderm is exported", () => {
    const seen = new Set<string>();
    for (const file of docs()) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/import (type )?\{([^}]*)\} from "coderm"/g))
        for (const raw of m[2]!.split(",")) {
          const name = raw.trim().replace(/^type /, "");
          if (!name) continue;
          seen.add(name);
          expect([...values, ...types], `${file} imports ${name}`).toContain(name);
        }
    }
    expect(seen.size).toBeGreaterThan(3);
  });
});
