import { describe, expect, it } from "vitest";
import { PythonJsonError, parsePythonJson, parsePythonJsonLine, stringifyPythonJson } from "./python-json.js";

describe("parsePythonJson", () => {
  it("accepts Python's NaN and Infinity tokens and keeps big integers exact", () => {
    const text = "[NaN, Infinity, -Infinity, 12345678901234567890123, -9007199254740993, 1.5e3]";
    const { value } = parsePythonJson(text, { bigint: true });
    const v = value as unknown[];
    expect(Number.isNaN(v[0])).toBe(true);
    expect(v.slice(1, 3)).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(v[3]).toBe(12345678901234567890123n);
    expect(v[4]).toBe(-9007199254740993n);
    expect(v[5]).toBe(1500);
    // By default big integers become the nearest double, so the value stays JSON.stringify-safe.
    const plain = parsePythonJson(text).value as unknown[];
    expect(plain.slice(3, 5)).toEqual([Number("12345678901234567890123"), -9007199254740992]);
    expect(() => JSON.stringify(plain)).not.toThrow();
  });

  it("matches JSON.parse on standard JSON", () => {
    const text = '{"a": [1, 2.5, -0.125, true, false, null, "x\\n\\u00e9\\"", {"b": []}], "c": {}}';
    expect(parsePythonJson(text).value).toEqual(JSON.parse(text));
  });

  it("returns each top-level key's exact source text", () => {
    const { spans } = parsePythonJson('{"k": [1.0, 2], "s": "a\\"b" , "n":NaN}');
    expect(spans.get("k")).toBe("[1.0, 2]");
    expect(spans.get("s")).toBe('"a\\"b"');
    expect(spans.get("n")).toBe("NaN");
  });

  it("rejects malformed input with a position", () => {
    for (const bad of ['{"a": [1, 2}', '{"a" 1}', "[1, 2", "nan", '"abc', "[1] x", "01"]) {
      expect(() => parsePythonJson(bad), bad).toThrow(PythonJsonError);
    }
  });

  it("does not let a __proto__ key reach the prototype", () => {
    const { value } = parsePythonJson('{"__proto__": {"polluted": 1}}');
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(value, "__proto__")?.value).toEqual({ polluted: 1 });
  });
});

describe("parsePythonJsonLine", () => {
  it("gives the same values and key spans as the full parser, with or without Python tokens", () => {
    const keys = ["a", "b", "c", "d"];
    const lines = [
      '{"p": "x \\"a\\": [1] ]}", "a": [[1.0, "]", "\\"[{"], {"k": [2]}], "b": 3 , "c": "s,}", "d": {}}',
      '{"a": [[NaN, 2]], "b": -Infinity, "c": [], "d": 12345678901234567890}',
      '{"d": [1e-06, -0.0],"a":7}',
    ];
    for (const line of lines) {
      const full = parsePythonJson(line);
      const fast = parsePythonJsonLine(line, keys);
      expect(fast.value, line).toEqual(full.value);
      for (const k of keys) expect(fast.spans.get(k), `${line} ${k}`).toBe(full.spans.get(k));
    }
    expect(parsePythonJsonLine(lines[0]!, ["a"]).spans.get("a")).toBe('[[1.0, "]", "\\"[{"], {"k": [2]}]');
  });
});

describe("stringifyPythonJson", () => {
  it("writes what parsePythonJson reads back", () => {
    const v = { a: [Number.NaN, Number.NEGATIVE_INFINITY, 10n ** 25n, 0.1, "é"], b: null, c: { d: true } };
    const text = stringifyPythonJson(v);
    expect(text).toBe(
      '{"a": [NaN, -Infinity, 10000000000000000000000000, 0.1, "\\u00e9"], "b": null, "c": {"d": true}}',
    );
    expect(parsePythonJson(text, { bigint: true }).value).toEqual(v);
  });
});
