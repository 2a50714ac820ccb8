import { describe, expect, it } from "vitest";
import { checkFlags, closestFlag } from "./check-flags.js";
import { sandboxArgs } from "./flags.js";

describe("closestFlag", () => {
  const known = ["workers", "timeout", "require-isolation", "out", "strict"];
  it("finds typos and prefixes, not strangers", () => {
    expect(closestFlag("wokers", known)).toBe("workers");
    expect(closestFlag("require", known)).toBe("require-isolation");
    expect(closestFlag("ot", known)).toBe("out");
    expect(closestFlag("frobnicate", known)).toBeUndefined();
  });
});

describe("checkFlags", () => {
  const args = { ...sandboxArgs, out: { type: "string" as const } };
  it("passes declared flags, values that look negative included", () => {
    expect(() => checkFlags(args, ["--workers", "2", "--out=x", "--no-require-isolation"])).not.toThrow();
    expect(() => checkFlags(args, ["--timeout", "-1"])).toThrow(
      '--timeout: must be in (0, 3600] s, got "-1"',
    );
  });
  it("names the first unknown flag as typed", () => {
    expect(() => checkFlags(args, ["--out", "x", "--dry-run"])).toThrow(
      "--dry-run: unknown flag (see --help)",
    );
  });
});
