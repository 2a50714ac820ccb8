import { describe, expect, it } from "vitest";
import { Rng } from "./rng.js";

describe("Rng (xoshiro128**)", () => {
  it("matches the published reference implementation from state {1,2,3,4}", () => {
    // Output of Vigna's xoshiro128starstar.c compiled with gcc, seeded s = {1, 2, 3, 4}.
    const r = Rng.fromState(1, 2, 3, 4);
    const got = Array.from({ length: 8 }, () => r.nextU32());
    expect(got).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849]);
  });

  it("is deterministic per seed and differs across seeds", () => {
    const a = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.nextU32()
      )(new Rng(42)),
    );
    const b = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.nextU32()
      )(new Rng(42)),
    );
    const c = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.nextU32()
      )(new Rng(43)),
    );
    const d = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.nextU32()
      )(new Rng(42 + 2 ** 32)),
    );
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).not.toEqual(d);
    expect(new Rng("seed").nextU32()).toBe(new Rng("seed").nextU32());
  });

  it("int(n) is uniform and in range", () => {
    const r = new Rng(7);
    const counts = new Array(6).fill(0);
    const N = 60000;
    for (let i = 0; i < N; i++) counts[r.int(6)]++;
    for (const c of counts) expect(Math.abs(c - N / 6)).toBeLessThan(400); // ~5.5 sigma
    expect(() => r.int(0)).toThrow(RangeError);
    const f = r.next();
    expect(f >= 0 && f < 1).toBe(true);
  });

  it("shuffle and partialShuffle give uniform permutations", () => {
    const r = new Rng(1);
    const first = new Array(4).fill(0);
    const prefix = new Map<string, number>();
    const a = [0, 1, 2, 3];
    for (let i = 0; i < 24000; i++) {
      r.shuffle(a);
      first[a[0]!]++;
      const b = Int32Array.from([0, 1, 2, 3]);
      r.partialShuffle(b, 2);
      const key = `${b[0]},${b[1]}`;
      prefix.set(key, (prefix.get(key) ?? 0) + 1);
    }
    expect([...a].sort()).toEqual([0, 1, 2, 3]);
    for (const c of first) expect(Math.abs(c - 6000)).toBeLessThan(350);
    expect(prefix.size).toBe(12); // every ordered pair of distinct ids
    for (const c of prefix.values()) expect(Math.abs(c - 2000)).toBeLessThan(250);
  });
});
