/** Sharding and content keys: pure functions, no Redis. */
import { describe, expect, it } from "vitest";
import {
  groupPairs,
  packShards,
  pairFromBody,
  profileKey,
  profileOf,
  shardData,
  testBody,
} from "./shards.js";

const sol = (i: number) => `def f():\n    return ${i}\n`;
const test = (j: number) =>
  `import unittest\nclass T(unittest.TestCase):\n    def test_{j}(self): pass  # ${j}\n`;

function pairs(solutions: number, tests: number) {
  const out = [];
  for (let i = 0; i < solutions; i++)
    for (let j = 0; j < tests; j++)
      out.push({ id: `${i}/${j}`, solution: sol(i), test: test(j), format: "unittest" as const });
  return out;
}

describe("shards", () => {
  const pk = profileKey(profileOf());

  it("dedupes identical (solution, test) by content and keeps every id", () => {
    const p = [...pairs(2, 3), { id: "dup", solution: sol(0), test: test(1), format: "unittest" as const }];
    const { groups, total } = groupPairs(p, pk);
    expect(total).toBe(7);
    expect(groups).toHaveLength(2);
    expect(groups[0]!.units).toHaveLength(3);
    expect(groups[0]!.units[1]!.ids).toEqual(["0/1", "dup"]);
  });

  it("result keys change with the limits, not with the pair ids", () => {
    const a = groupPairs(pairs(1, 1), pk).groups[0]!;
    const b = groupPairs(pairs(1, 1), profileKey(profileOf({ timeout: 2 }))).groups[0]!;
    const c = groupPairs([{ ...pairs(1, 1)[0]!, id: "other" }], pk).groups[0]!;
    expect(a.key).not.toBe(b.key);
    expect(a.key).toBe(c.key);
    expect(a.units[0]!.field).toBe(c.units[0]!.field);
  });

  it("packs whole solutions up to the pair bound, cuts a large one, lists shared tests once", () => {
    const { groups } = groupPairs([...pairs(3, 4), ...pairs(4, 10).filter((p) => p.id.startsWith("3/"))], pk);
    const shards = packShards(groups, { maxPairs: 8, maxBytes: 1 << 20 });
    expect(shards.map((s) => s.pairs)).toEqual([8, 8, 6]);
    expect(shards.every((s) => s.pairs <= 8)).toBe(true);
    expect(shards.reduce((a, s) => a + s.pairs, 0)).toBe(22);
    const d = shardData(shards[0]!, "run", profileOf());
    expect(d.groups.map((g) => g.tests)).toEqual([
      [0, 1, 2, 3],
      [0, 1, 2, 3],
    ]);
    expect(d.tests).toHaveLength(4);
  });

  it("bounds shard bytes too, but never leaves a pair out", () => {
    const big = "x".repeat(1000);
    const p = Array.from({ length: 5 }, (_, j) => ({
      id: String(j),
      solution: sol(0),
      test: `${big}${j}`,
      format: "unittest" as const,
    }));
    const shards = packShards(groupPairs(p, pk).groups, { maxPairs: 100, maxBytes: 2500 });
    expect(shards.map((s) => s.pairs)).toEqual([2, 2, 1]);
    const tiny = packShards(groupPairs(p, pk).groups, { maxPairs: 100, maxBytes: 10 });
    expect(tiny.map((s) => s.pairs)).toEqual([1, 1, 1, 1, 1]);
  });

  it("assert cases travel as JSON and come back as the same cases", () => {
    const p = {
      id: "a",
      solution: sol(0),
      test: "assert f() == 0\n\nassert f() != 1",
      format: "assert" as const,
    };
    const body = testBody(p);
    expect(body).toBe(JSON.stringify(["assert f() == 0", "assert f() != 1"]));
    expect(testBody({ ...p, test: ["assert f() == 0", "assert f() != 1"] })).toBe(body);
    expect(pairFromBody("a", "assert", p.solution, body).test).toEqual([
      "assert f() == 0",
      "assert f() != 1",
    ]);
  });
});
