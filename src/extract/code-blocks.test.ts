import { describe, expect, it } from "vitest";
import { extractCode, findCodeBlocks } from "./code-blocks.js";

const fence = "```";

describe("extractCode, reference rule (CodeRM extract_code + len == 1)", () => {
  it("takes the content of the one ```python block", () => {
    const r = extractCode(`Sure!\n${fence}python\ndef f(x):\n    return x\n${fence}\nDone.`);
    expect(r).toEqual({ ok: true, text: "def f(x):\n    return x" });
  });

  it("falls back to plain fences only when there is no ```python block", () => {
    expect(extractCode(`${fence}\nx = 1\n${fence}`)).toEqual({ ok: true, text: "x = 1" });
    const both = `${fence}\nplain = 1\n${fence}\n${fence}python\ntagged = 1\n${fence}`;
    expect(extractCode(both)).toEqual({ ok: true, text: "tagged = 1" });
  });

  it("rejects a response with two blocks, naming the count", () => {
    const r = extractCode(`${fence}python\na = 1\n${fence}\ntext\n${fence}python\nb = 2\n${fence}`);
    expect(r).toEqual({ ok: false, reason: "2 code blocks (exactly one required)" });
  });

  it("rejects a response with no block", () => {
    const r = extractCode("def f(x):\n    return x\n");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/no .*code block/);
  });

  it("keeps the reference's exact fence spelling: ```py, ```Python and CRLF are not python blocks", () => {
    expect(findCodeBlocks(`${fence}py\nx = 1\n${fence}`)).toEqual([]);
    expect(findCodeBlocks(`${fence}Python\nx = 1\n${fence}`)).toEqual([]);
    expect(findCodeBlocks(`${fence}python\r\nx = 1\r\n${fence}`)).toEqual([]);
    // ...but such a block's closing fence can open a plain "block" running to the next fence.
    expect(findCodeBlocks(`${fence}py\nx = 1\n${fence}\nnot code\n${fence}`)).toEqual(["not code"]);
  });

  it("needs a newline before the closing fence and ignores an unclosed block", () => {
    expect(findCodeBlocks(`${fence}python\nx = 1${fence}`)).toEqual([]);
    expect(findCodeBlocks(`${fence}python\ndef f():\n    return 1\n`)).toEqual([]);
  });

  it("matches non-greedily: a fence inside the block ends it", () => {
    const r = extractCode(`${fence}python\ns = """\n${fence}\n"""\n${fence}`);
    // The inner fence closes the block; what follows is not a second python block.
    expect(r).toEqual({ ok: true, text: 's = """' });
  });
});

describe("extractCode, lenient modes", () => {
  const two = `${fence}python\nshort = 1\n${fence}\nand\n${fence}python\nlonger = 1 + 2\n${fence}`;

  it("first and longest choose among several python blocks", () => {
    expect(extractCode(two, { mode: "first" })).toEqual({ ok: true, text: "short = 1" });
    expect(extractCode(two, { mode: "longest" })).toEqual({ ok: true, text: "longer = 1 + 2" });
  });

  it("accepts py/Python3 tags, trailing spaces, indentation of the fence and CRLF", () => {
    expect(findCodeBlocks(`${fence}Py  \r\nx = 1\r\ny = 2\r\n${fence}`, "first")).toEqual(["x = 1\ny = 2"]);
    expect(findCodeBlocks(`  ${fence}python3\n  if x:\n      y = 1\n  ${fence}`, "first")).toEqual([
      "if x:\n    y = 1",
    ]);
  });

  it("does not let another language's closing fence open a block", () => {
    const r = `${fence}bash\npip install x\n${fence}\nThen:\n${fence}\nprint(1)\n${fence}`;
    expect(findCodeBlocks(r, "first")).toEqual(["print(1)"]);
    expect(findCodeBlocks(r, "reference")).toEqual(["Then:"]);
  });

  it("still rejects a response without any block", () => {
    expect(extractCode("no code here", { mode: "longest" })).toEqual({ ok: false, reason: "no code block" });
  });
});
