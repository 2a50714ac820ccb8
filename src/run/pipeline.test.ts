import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openStore } from "../store/index.js";
import { parseRunConfig } from "./config.js";
import { Ledger } from "./ledger.js";
import { type PipelineEvent, runStages, type Stage } from "./pipeline.js";
import { run } from "./run.js";

interface Toy {
  factor: number;
  words: string[];
  lengths: number[];
  computed: string[];
  failOnce?: boolean;
}

/** Two stages on a real SQLite ledger: words (a file) → lengths × factor (a file), the second resumable. */
const stages: Stage<Toy>[] = [
  {
    name: "words",
    files: ["words.txt"],
    async load(s, ctx) {
      s.words = readFileSync(ctx.path("words.txt"), "utf8").split(" ");
    },
    async compute(s, ctx) {
      s.computed.push("words");
      s.words = ["a", "bb", "ccc"];
      writeFileSync(ctx.path("words.txt"), s.words.join(" "));
      return undefined;
    },
  },
  {
    name: "lengths",
    after: ["words"],
    settings: (s) => ({ factor: s.factor }),
    files: ["lengths.txt"],
    async load(s, ctx) {
      s.lengths = readFileSync(ctx.path("lengths.txt"), "utf8").split(" ").map(Number);
    },
    async compute(s, ctx) {
      s.computed.push(ctx.previous?.fingerprint === ctx.fingerprint ? "lengths (resumed)" : "lengths");
      s.lengths = s.words.map((w) => w.length * s.factor);
      writeFileSync(ctx.path("lengths.txt"), s.lengths.join(" "));
      if (s.failOnce) {
        s.failOnce = false;
        ctx.note("one part failed");
        return { complete: false, info: { failed: 1 } };
      }
      return { info: { lengths: s.lengths.length } };
    },
  },
];

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function go(dir: string, state: Partial<Toy>, events: PipelineEvent[] = []) {
  const store = openStore(join(dir, "store.sqlite"));
  const s: Toy = { factor: 1, words: [], lengths: [], computed: [], ...state };
  try {
    await runStages(stages, s, { dir, ledger: new Ledger(store), onEvent: (e) => events.push(e) });
  } finally {
    store.close();
  }
  return s;
}

describe("runStages", () => {
  it("skips finished stages, redoes only what a changed setting affects, resumes open ones", async () => {
    const dir = mkdtempSync(join(tmpdir(), "coderm-pipeline-"));
    dirs.push(dir);
    expect((await go(dir, {})).computed).toEqual(["words", "lengths"]);

    const events: PipelineEvent[] = [];
    const again = await go(dir, {}, events);
    expect(again.computed).toEqual([]);
    expect(again.lengths).toEqual([1, 2, 3]);
    expect(events.filter((e) => e.event === "stage").map((e) => [e.stage, e.skipped])).toEqual([
      ["words", true],
      ["lengths", true],
    ]);

    const changed = await go(dir, { factor: 10 });
    expect(changed.computed).toEqual(["lengths"]);
    expect(changed.lengths).toEqual([10, 20, 30]);

    // A stage left open (some work failed) is computed again, with its files kept for resuming.
    const open = await go(dir, { factor: 2, failOnce: true });
    expect(open.computed).toEqual(["lengths"]);
    const resumed = await go(dir, { factor: 2 });
    expect(resumed.computed).toEqual(["lengths (resumed)"]);
    expect((await go(dir, { factor: 2 })).computed).toEqual([]);
  });

  it("removes a stage's files when its fingerprint changes, so stale output never mixes in", async () => {
    const dir = mkdtempSync(join(tmpdir(), "coderm-pipeline-"));
    dirs.push(dir);
    await go(dir, {});
    const seen: boolean[] = [];
    const probe: Stage<Toy> = {
      ...stages[1]!,
      async compute(s, ctx) {
        seen.push(existsSync(ctx.path("lengths.txt")));
        return stages[1]!.compute(s, ctx);
      },
    };
    const store = openStore(join(dir, "store.sqlite"));
    try {
      const s: Toy = { factor: 5, words: [], lengths: [], computed: [] };
      await runStages([stages[0]!, probe], s, { dir, ledger: new Ledger(store) });
    } finally {
      store.close();
    }
    expect(seen).toEqual([false]);
  });

  it("run() validates --benchmark before it creates the run directory", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "coderm-pipeline-")), "run");
    dirs.push(dir);
    await expect(run(parseRunConfig({}, { benchmark: "humaneval-typo", out: dir }))).rejects.toThrow(
      /not a benchmark \(humaneval\+, mbpp\+, humaneval, livecodebench\)/,
    );
    expect(existsSync(dir)).toBe(false);
  });
});
