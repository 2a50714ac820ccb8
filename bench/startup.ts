/**
 * CLI start-up: wall time of `coderm --help` and of a one-pair `coderm exec` (sandbox start, one unittest pair,
 * results written, exit), as the installed command runs them (compiled `dist/`, `node dist/cli/main.js`) and
 * as the sources run under tsx (`tsx src/cli/main.ts`, what `npm run coderm` does), beside two floors measured
 * in the same run: `node -e 0` (Node's own start) and the same pair in one fresh `/usr/bin/python3` without
 * any sandbox (the reference's per-pair shape). Scenarios are interleaved round-robin so drift in machine
 * load hits all of them alike; the median and min over `--runs` are printed with the load average.
 * Goal (issue 14): a one-pair exec well under 0.5 s.
 * Usage: npm run bench:startup [-- --runs 10] [--quick] [--workers N]
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const runs = Number(flag("runs") ?? (argv.includes("--quick") ? 3 : 10));
// Default: no --workers, as a user types it (exec starts one worker per pair at most).
const workers = flag("workers");
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`bench:startup: --runs must be an integer ≥ 1, got "${flag("runs")}"`);
  process.exit(1);
}

const root = join(import.meta.dirname, "..");
// dist/ must match the sources being measured: the incremental build is a no-op when it already does.
execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });

const dir = mkdtempSync(join(tmpdir(), "coderm-bench-startup-"));
const SOLUTION = "def add(a, b):\n    return a + b\n";
const TEST =
  "import unittest\nclass TestAdd(unittest.TestCase):\n    def test_add(self):\n        self.assertEqual(add(1, 2), 3)\n";
const pairs = join(dir, "pairs.jsonl");
writeFileSync(pairs, `${JSON.stringify({ id: "p1", solution: SOLUTION, test: TEST, format: "unittest" })}\n`);
const reference = join(dir, "one_pair.py");
writeFileSync(
  reference,
  [
    "import unittest",
    `g = {}; exec(${JSON.stringify(SOLUTION)}, g); exec(${JSON.stringify(TEST)}, g)`,
    "r = unittest.TextTestRunner(verbosity=0).run(unittest.TestLoader().loadTestsFromTestCase(g['TestAdd']))",
    "assert r.wasSuccessful()",
    "",
  ].join("\n"),
);

const tsx = join(root, "node_modules", ".bin", "tsx");
const dist = join(root, "dist", "cli", "main.js");
const src = join(root, "src", "cli", "main.ts");
const out = join(dir, "out.jsonl");
const exec = ["exec", "--pairs", pairs, "--out", out, ...(workers ? ["--workers", workers] : [])];

interface Scenario {
  name: string;
  cmd: string;
  args: string[];
}
const scenarios: Scenario[] = [
  { name: "node -e 0 (floor: Node start)", cmd: process.execPath, args: ["-e", "0"] },
  { name: "python3: one pair, no sandbox (floor)", cmd: "/usr/bin/python3", args: [reference] },
  { name: "coderm --help (dist)", cmd: process.execPath, args: [dist, "--help"] },
  { name: "coderm --help (tsx src)", cmd: tsx, args: [src, "--help"] },
  { name: "coderm exec, one pair (dist)", cmd: process.execPath, args: [dist, ...exec] },
  { name: "coderm exec, one pair (tsx src)", cmd: tsx, args: [src, ...exec] },
];

function once(s: Scenario): number {
  rmSync(out, { force: true });
  rmSync(`${out}.lock`, { force: true });
  const t0 = performance.now();
  const r = spawnSync(s.cmd, s.args, { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${s.name}: exit ${r.status}\n${r.stderr}`);
  return ms;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");

const loadBefore = load();
// One untimed round warms the page cache (and tsx's transform cache) so run 1 is not an outlier.
for (const s of scenarios) once(s);
const times = new Map<string, number[]>(scenarios.map((s) => [s.name, []]));
for (let i = 0; i < runs; i++) for (const s of scenarios) times.get(s.name)!.push(once(s));
const loadAfter = load();
rmSync(dir, { recursive: true, force: true });

const med = (name: string): number => median(times.get(name)!);
console.log(`bench:startup: ${runs} runs each, interleaved; load average before ${loadBefore}`);
console.log(`${"scenario".padEnd(40)} ${"median".padStart(9)} ${"min".padStart(9)}`);
for (const s of scenarios) {
  const xs = times.get(s.name)!;
  console.log(
    `${s.name.padEnd(40)} ${`${med(s.name).toFixed(0)} ms`.padStart(9)} ${`${Math.min(...xs).toFixed(0)} ms`.padStart(9)}`,
  );
}
const execDist = med("coderm exec, one pair (dist)");
console.log(
  `ratios: --help tsx/dist ${(med("coderm --help (tsx src)") / med("coderm --help (dist)")).toFixed(2)}×, ` +
    `exec tsx/dist ${(med("coderm exec, one pair (tsx src)") / execDist).toFixed(2)}×, ` +
    `exec dist / fresh python3 ${(execDist / med("python3: one pair, no sandbox (floor)")).toFixed(2)}×`,
);
console.log(
  `one-pair exec (dist): ${execDist.toFixed(0)} ms median, goal < 500 ms: ${execDist < 500 ? "met" : "NOT met"}; load average after ${loadAfter}`,
);
