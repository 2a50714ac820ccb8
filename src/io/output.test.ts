import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isCodermError } from "../errors.js";
import { writeJsonl, writeLines } from "./jsonl.js";
import { appendText, checkOutputDir, checkOutputFile, openOutput } from "./output.js";

const dir = mkdtempSync(join(tmpdir(), "coderm-output-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The error a call throws, or undefined. */
async function thrown(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  return undefined;
}

function expectOutputError(e: unknown, path: string, reason: RegExp) {
  expect(isCodermError(e) && e.code, String(e)).toBe("E_OUTPUT");
  const message = (e as Error).message;
  expect(message).toContain(path);
  expect(message).toMatch(reason);
  expect(message).not.toContain("\n");
}

describe("the output layer", () => {
  it("a failed write leaves the old file whole and no temporary file behind", async () => {
    const file = join(dir, "keep.jsonl");
    writeFileSync(file, '{"good": 1}\n');
    function* lines() {
      yield '{"new": 1}';
      throw new Error("serialising failed");
    }
    expect(String(await thrown(() => writeLines(file, lines())))).toMatch(/serialising failed/);
    expect(readFileSync(file, "utf8")).toBe('{"good": 1}\n');
    expect(readdirSync(dir)).toEqual(["keep.jsonl"]);
  });

  it("a directory given as a file is one E_OUTPUT line, checked and at write time", async () => {
    const d = join(dir, "a-dir");
    mkdirSync(d);
    expectOutputError(await thrown(() => checkOutputFile(d, "--out")), `--out ${d}`, /is a directory/);
    expectOutputError(await thrown(() => writeJsonl(d, [{ x: 1 }])), d, /is a directory/);
  });

  it("a file given as a directory, and a file below a file, are one E_OUTPUT line", async () => {
    const f = join(dir, "a-file");
    writeFileSync(f, "");
    expectOutputError(await thrown(() => checkOutputDir(f, "--out")), f, /is a file, expected a directory/);
    expectOutputError(await thrown(() => checkOutputFile(join(f, "x.jsonl"))), f, /not a directory/);
  });

  it("creates a missing directory of an output", () => {
    checkOutputFile(join(dir, "new", "deeper", "out.jsonl"));
    expect(existsSync(join(dir, "new", "deeper"))).toBe(true);
  });

  it("a full disk is one E_OUTPUT line from the stream, not an unhandled 'error' event", async () => {
    const out = openOutput("/dev/full", { append: true });
    const e = await thrown(async () => {
      for (let i = 0; i < 100; i++) await out.write("x".repeat(70_000));
      await out.close();
    });
    expectOutputError(e, "/dev/full", /no space left on device/);
  });

  it("a full disk while appending results or labels is one E_OUTPUT line", async () => {
    expectOutputError(await thrown(() => appendText("/dev/full", "x\n")), "/dev/full", /no space left/);
  });

  it("a device (--out /dev/stdout, /dev/null) is written in place, never replaced by a rename", async () => {
    checkOutputFile("/dev/null", "--out");
    await writeJsonl("/dev/null", [{ x: 1 }]);
    expect(statSync("/dev/null").isCharacterDevice()).toBe(true);
    expect(readdirSync("/dev").filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});
