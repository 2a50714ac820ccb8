import { describe, expect, it } from "vitest";
import { PassMatrix, popcount32, testMask } from "./pass-matrix.js";

describe("PassMatrix", () => {
  it("stores cells as bits across word boundaries and tracks missing results", () => {
    const m = new PassMatrix(3, 70);
    m.set(0, 0, true);
    m.set(0, 33, true);
    m.set(1, 69, true);
    m.set(2, 5, false);
    expect(m.get(0, 33)).toBe(true);
    expect(m.get(0, 32)).toBe(false);
    expect(m.has(2, 5)).toBe(true);
    expect(m.has(2, 6)).toBe(false);
    expect(m.passCount(0)).toBe(2);
    expect(m.passCount(0, testMask(70, [33]))).toBe(1);
    expect(m.missingCount()).toBe(3 * 70 - 4);
    m.set(0, 33, false);
    expect(m.passCount(0)).toBe(1);
    expect(() => m.set(3, 0, true)).toThrow(RangeError);
  });

  it("round-trips dense rows", () => {
    const rows = [
      [1, 0, 1],
      [0, 0, 0],
    ];
    expect(PassMatrix.fromRows(rows).toRows()).toEqual(rows);
  });

  it("popcount32 counts all 32 bits", () => {
    expect(popcount32(0xffffffff)).toBe(32);
    expect(popcount32(0x80000001)).toBe(2);
  });
});
