/**
 * JSON-typed columns that were written by Python's `str()`/`repr()` instead of `json.dumps` (users of
 * CodeRM-UnitTest read its list columns with `ast.literal_eval`, so both spellings occur in copies of it).
 * This parses the literal subset such columns hold: strings (', ", triple-quoted, raw, with escapes),
 * numbers, True/False/None, lists, tuples and dicts. Anything else is an error, never evaluated.
 */

export class PyLiteralError extends Error {}

/** JSON first (the normal case), else a Python literal. */
export function parseListColumn(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return parsePyLiteral(text);
  }
}

/**
 * A recursive-descent parser over one cursor: its small readers (string, number, word, list, dict) share
 * `i` as closures, which is why this stays one function past 80 lines.
 */
export function parsePyLiteral(text: string): unknown {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  const fail = (what: string): never => {
    throw new PyLiteralError(`${what} at offset ${i}`);
  };
  const str = (): string => {
    let raw = false;
    while (/[rRbBuU]/.test(text[i] ?? "")) {
      if (/[rR]/.test(text[i] as string)) raw = true;
      i++;
    }
    const q = text[i];
    if (q !== "'" && q !== '"') return fail("expected a string");
    const triple = text.startsWith(q.repeat(3), i);
    const close = triple ? q.repeat(3) : q;
    i += close.length;
    let out = "";
    for (;;) {
      if (i >= text.length) return fail("unterminated string");
      if (text.startsWith(close, i)) {
        i += close.length;
        return out;
      }
      const c = text[i] as string;
      if (c === "\\" && !raw) {
        const e = text[i + 1] ?? "";
        i += 2;
        const simple: Record<string, string> = {
          n: "\n",
          t: "\t",
          r: "\r",
          "\\": "\\",
          "'": "'",
          '"': '"',
          a: "\x07",
          b: "\b",
          f: "\f",
          v: "\v",
          "0": "\0",
          "\n": "",
        };
        if (e in simple) out += simple[e];
        else if (e === "x" || e === "u" || e === "U") {
          const n = e === "x" ? 2 : e === "u" ? 4 : 8;
          const hex = text.slice(i, i + n);
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) fail("bad escape");
          out += String.fromCodePoint(Number.parseInt(hex, 16));
          i += n;
        } else out += `\\${e}`;
        continue;
      }
      if (c === "\\" && raw) {
        out += c + (text[i + 1] ?? "");
        i += 2;
        continue;
      }
      if (c === "\n" && !triple) return fail("newline in string");
      out += c;
      i++;
    }
  };
  const seq = (closeCh: string): unknown[] => {
    const items: unknown[] = [];
    ws();
    while (text[i] !== closeCh) {
      items.push(value());
      ws();
      if (text[i] === ",") {
        i++;
        ws();
      } else if (text[i] !== closeCh) fail(`expected , or ${closeCh}`);
    }
    i++;
    return items;
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === "[") {
      i++;
      return seq("]");
    }
    if (c === "(") {
      i++;
      return seq(")");
    }
    if (c === "{") {
      i++;
      const obj: Record<string, unknown> = {};
      ws();
      while (text[i] !== "}") {
        const k = value();
        ws();
        if (text[i] !== ":") fail("expected :");
        i++;
        obj[String(k)] = value();
        ws();
        if (text[i] === ",") {
          i++;
          ws();
        } else if (text[i] !== "}") fail("expected , or }");
      }
      i++;
      return obj;
    }
    for (const [word, v] of [
      ["True", true],
      ["False", false],
      ["None", null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    const num = /^-?(\d[\d_]*\.?\d*(e[+-]?\d+)?|\.\d+)/i.exec(text.slice(i));
    if (num) {
      i += num[0].length;
      return Number(num[0].replaceAll("_", ""));
    }
    return str();
  };
  const v = value();
  ws();
  if (i !== text.length) fail("trailing text");
  return v;
}
