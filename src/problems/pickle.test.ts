import { describe, expect, it } from "vitest";
import { PickleError, unpickleString } from "./pickle.js";

const b = (...parts: Array<number[] | string>) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? [...Buffer.from(p, "utf8")] : p)));
const u64 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24, 0, 0, 0, 0];

// Byte sequences as CPython 3.11 emits them for pickle.dumps("héllo\\ €\nxxx", protocol=p).
describe("unpickleString", () => {
  const expected = "héllo\\ €\nxxx";
  it("reads protocol 0 (UNICODE raw-unicode-escape + PUT)", () => {
    const data = new Uint8Array([
      ...Buffer.from("Vh", "latin1"),
      0xe9,
      ...Buffer.from("llo\\u005c \\u20ac\\u000axxx\np0\n.", "latin1"),
    ]);
    expect(unpickleString(data)).toBe(expected);
  });
  it("reads protocols 1-3 (BINUNICODE + BINPUT) and 4-5 (FRAME, SHORT_BINUNICODE, MEMOIZE)", () => {
    const body = Buffer.from(expected, "utf8");
    expect(unpickleString(b([0x58, body.length, 0, 0, 0], expected, [0x71, 0, 0x2e]))).toBe(expected);
    expect(unpickleString(b([0x80, 0x02, 0x58, body.length, 0, 0, 0], expected, [0x71, 0, 0x2e]))).toBe(
      expected,
    );
    for (const proto of [4, 5]) {
      const data = b([0x80, proto, 0x95, ...u64(body.length + 4), 0x8c, body.length], expected, [0x94, 0x2e]);
      expect(unpickleString(data)).toBe(expected);
    }
  });
  it("reads BINUNICODE8, LONG_BINPUT and the bytes opcodes", () => {
    expect(unpickleString(b([0x80, 4, 0x8d, ...u64(2)], "hi", [0x72, 1, 0, 0, 0, 0x2e]))).toBe("hi");
    expect(unpickleString(b([0x80, 3, 0x43, 2], "ab", [0x71, 0, 0x2e]))).toEqual(new Uint8Array([97, 98]));
    expect(unpickleString(b([0x80, 3, 0x42, 1, 0, 0, 0], "z", [0x2e]))).toEqual(new Uint8Array([122]));
    expect(unpickleString(b([0x80, 4, 0x8e, ...u64(1)], "q", [0x2e]))).toEqual(new Uint8Array([113]));
  });
  it("rejects code-running, container and malformed pickles", () => {
    const cases: Array<[Uint8Array, RegExp]> = [
      [b("cos\nsystem\n", [0x2e]), /GLOBAL \(0x63\)/],
      [b([0x80, 4, 0x8c, 1], "a", [0x8c, 1], "b", [0x93, 0x2e]), /STACK_GLOBAL/],
      [b([0x80, 4, 0x5d, 0x2e]), /EMPTY_LIST/],
      [b([0x80, 4, 0x8c, 1], "a", [0x8c, 1], "b", [0x2e]), /STOP with 2 values/],
      [b([0x80, 4, 0x2e]), /STOP with 0 values/],
      [b([0x80, 4, 0x8c, 5], "ab"), /truncated/],
      [b([0x80, 4, 0x8c, 1], "a"), /no STOP/],
      [b([0x80, 4, 0x8c, 1], "a", [0x2e, 0x2e]), /data after STOP/],
      [b([0x80, 4, 0x8c, 2, 0xc3, 0x28, 0x2e]), /not valid UTF-8/],
      [b([0x80, 4, 0x94, 0x2e]), /MEMOIZE on an empty stack/],
      [b([0x80, 4, 0x8d, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), /length beyond the data/],
    ];
    for (const [data, re] of cases) {
      expect(() => unpickleString(data)).toThrow(PickleError);
      expect(() => unpickleString(data)).toThrow(re);
    }
  });
});
