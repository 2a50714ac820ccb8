/**
 * A deliberately tiny pickle reader. LiveCodeBench ships private test cases as a pickled `str` (inside zlib
 * and base64). Running a pickle can call any Python function, so we never hand these bytes to Python:
 * this reader understands only the opcodes that carry a single str or bytes value (any protocol, 0-5)
 * and rejects everything else (GLOBAL, REDUCE, BUILD, lists, ...) before doing anything with it.
 */

export class PickleError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`pickle: ${message} at byte ${offset}`);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Decode a pickle holding exactly one str (returned as string) or bytes (returned as Uint8Array). */
// Long: a single opcode-dispatch loop over one DataView cursor (a pickle machine is one switch).
export function unpickleString(data: Uint8Array): string | Uint8Array {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const stack: Array<string | Uint8Array> = [];
  let pos = 0;

  const need = (n: number, at: number): void => {
    if (pos + n > data.length) throw new PickleError("truncated", at);
  };
  const u64 = (at: number): number => {
    need(8, at);
    const v = view.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(data.length)) throw new PickleError("length beyond the data", at);
    return Number(v);
  };
  const u32 = (at: number): number => {
    need(4, at);
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const take = (n: number, at: number): Uint8Array => {
    need(n, at);
    const out = data.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  const text = (bytes: Uint8Array, at: number): string => {
    try {
      return utf8.decode(bytes);
    } catch {
      throw new PickleError("str is not valid UTF-8", at);
    }
  };
  const line = (at: number): Uint8Array => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0) throw new PickleError("truncated", at);
    const out = data.subarray(pos, end);
    pos = end + 1;
    return out;
  };

  while (pos < data.length) {
    const at = pos;
    const op = data[pos++] as number;
    switch (op) {
      case 0x80: // PROTO
        take(1, at);
        break;
      case 0x95: // FRAME: a length hint only
        u64(at);
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(text(take(take(1, at)[0] as number, at), at));
        break;
      case 0x58: // BINUNICODE
        stack.push(text(take(u32(at), at), at));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(text(take(u64(at), at), at));
        break;
      case 0x56: // UNICODE (protocol 0): raw-unicode-escape (latin-1 bytes + \u escapes) up to the newline
        stack.push(rawUnicodeEscape(Buffer.from(line(at)).toString("latin1"), at));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(take(1, at)[0] as number, at).slice());
        break;
      case 0x42: // BINBYTES
        stack.push(take(u32(at), at).slice());
        break;
      case 0x8e: // BINBYTES8
        stack.push(take(u64(at), at).slice());
        break;
      case 0x94: // MEMOIZE
        if (stack.length === 0) throw new PickleError("MEMOIZE on an empty stack", at);
        break;
      case 0x71: // BINPUT
        if (stack.length === 0) throw new PickleError("BINPUT on an empty stack", at);
        take(1, at);
        break;
      case 0x72: // LONG_BINPUT
        if (stack.length === 0) throw new PickleError("LONG_BINPUT on an empty stack", at);
        u32(at);
        break;
      case 0x70: // PUT (protocol 0): decimal memo index
        if (stack.length === 0 || !/^\d+$/.test(text(line(at), at))) throw new PickleError("bad PUT", at);
        break;
      case 0x2e: {
        // STOP
        if (stack.length !== 1) throw new PickleError(`STOP with ${stack.length} values on the stack`, at);
        if (pos !== data.length) throw new PickleError("data after STOP", pos);
        return stack[0] as string | Uint8Array;
      }
      default:
        throw new PickleError(`opcode ${opName(op)} is not allowed`, at);
    }
  }
  throw new PickleError("no STOP opcode", pos);
}

/** Python's raw-unicode-escape: only \uXXXX and \UXXXXXXXX are escapes; every other byte is itself. */
function rawUnicodeEscape(s: string, at: number): string {
  return s.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, u4?: string, u8?: string) => {
    const cp = Number.parseInt((u4 ?? u8) as string, 16);
    if (cp > 0x10ffff) throw new PickleError("bad \\U escape", at);
    return String.fromCodePoint(cp);
  });
}

/** Names of opcodes a hostile or unexpected pickle is likely to use, for a readable rejection. */
const NAMES: Record<number, string> = {
  99: "GLOBAL",
  147: "STACK_GLOBAL",
  82: "REDUCE",
  98: "BUILD",
  105: "INST",
  111: "OBJ",
  129: "NEWOBJ",
  146: "NEWOBJ_EX",
  40: "MARK",
  41: "EMPTY_TUPLE",
  93: "EMPTY_LIST",
  125: "EMPTY_DICT",
  74: "BININT",
  75: "BININT1",
  78: "NONE",
  71: "BINFLOAT",
};

function opName(op: number): string {
  const hex = `0x${op.toString(16).padStart(2, "0")}`;
  return NAMES[op] ? `${NAMES[op]} (${hex})` : hex;
}
