/**
 * Allocation speed: 10^5 problems with budget 64 per problem (6.4 M units), the paper's heap greedy
 * vs the closed form (same allocation), with equal allocation as the floor. Ratios are against the
 * heap measured in the same run. Usage: npm run bench:scaling
 */
import { equalAllocate, greedyAllocate, greedyAllocateHeap } from "../src/scaling/index.js";
import { Rng } from "../src/util/rng.js";

const problems = 100_000;
const perProblem = 64;
const rng = new Rng(1);
// Realistic spread: many easy and many impossible problems, the rest anywhere.
const lambdas = Float64Array.from({ length: problems }, () => {
  const u = rng.next();
  return u < 0.25 ? 1 : u < 0.4 ? 0 : rng.next();
});
const caps = Int32Array.from({ length: problems }, () => 50 + rng.int(151));
const budget = problems * perProblem;

function time<T>(f: () => T, reps = 3): [T, number] {
  let best = Number.POSITIVE_INFINITY;
  let out: T | undefined;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    out = f();
    best = Math.min(best, performance.now() - t0);
  }
  return [out as T, best];
}

const [heap, heapMs] = time(() => greedyAllocateHeap(lambdas, budget, { caps }));
// The closed form is cheap, so give it more runs for a fair "best of" on a shared machine.
const [closed, closedMs] = time(() => greedyAllocate(lambdas, budget, { caps }), 7);
const [, equalMs] = time(() => equalAllocate(problems, budget, { caps }), 7);
const same = heap.every((v, i) => v === closed[i]);
console.log(`problems ${problems}, budget ${budget} (${perProblem}/problem), best of 3 (heap) / 7 (others)`);
console.log(`heap greedy   ${heapMs.toFixed(1)} ms  (1.00x)`);
console.log(
  `closed form   ${closedMs.toFixed(1)} ms  (${(heapMs / closedMs).toFixed(2)}x faster)  identical: ${same}`,
);
console.log(`equal         ${equalMs.toFixed(1)} ms`);
if (!same) process.exitCode = 1;
