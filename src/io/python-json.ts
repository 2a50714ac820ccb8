/**
 * JSON as Python's `json` module writes it. EvalPlus releases were produced with `json.dumps`, which emits
 * the non-standard tokens `NaN`, `Infinity` and `-Infinity` and integers of any size; `JSON.parse` rejects
 * the first and silently rounds the second. This parser accepts both: non-finite floats become the
 * matching JS numbers; integers beyond 2^53 become the nearest number by default (so records stay safe for
 * `JSON.stringify`, which throws on `bigint`) or exact `bigint`s with `{ bigint: true }`.
 *
 * One distinction JavaScript cannot hold is `1.0` (float) vs `1` (int). Whoever needs Python's exact values
 * (the sandbox feeding inputs to a function) must use the raw text of the value, which `parsePythonJson`
 * returns for every top-level key (`spans`), so nothing is lost on the way to Python's `json.loads`.
 */

export interface PythonJsonParse {
  value: unknown;
  /** For a top-level object: each key's value exactly as written in the source text. */
  spans: Map<string, string>;
}

export class PythonJsonError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Parse one Python-JSON document (e.g. one JSONL line). Throws `PythonJsonError` on bad input. */
export function parsePythonJson(text: string, options: { bigint?: boolean } = {}): PythonJsonParse {
  const p = new Parser(text, options.bigint ?? false);
  p.ws();
  const spans = new Map<string, string>();
  const value = p.value(spans);
  p.ws();
  if (p.pos < text.length) p.fail("unexpected trailing text");
  return { value, spans };
}

class Parser {
  pos = 0;
  constructor(
    readonly s: string,
    readonly bigint: boolean,
  ) {}

  fail(msg: string): never {
    throw new PythonJsonError(msg, this.pos);
  }

  ws(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else break;
    }
  }

  value(spans?: Map<string, string>): unknown {
    const c = this.s[this.pos];
    switch (c) {
      case "{":
        return this.object(spans);
      case "[":
        return this.array();
      case '"':
        return this.string();
      case "t":
        return this.word("true", true);
      case "f":
        return this.word("false", false);
      case "n":
        return this.word("null", null);
      case "N":
        return this.word("NaN", Number.NaN);
      case "I":
        return this.word("Infinity", Number.POSITIVE_INFINITY);
      default:
        if (c === "-" && this.s.startsWith("-Infinity", this.pos)) {
          return this.word("-Infinity", Number.NEGATIVE_INFINITY);
        }
        if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return this.number();
        return this.fail(
          c === undefined ? "unexpected end of input" : `unexpected character ${JSON.stringify(c)}`,
        );
    }
  }

  word<T>(w: string, v: T): T {
    if (!this.s.startsWith(w, this.pos)) this.fail(`expected ${w}`);
    this.pos += w.length;
    return v;
  }

  number(): number | bigint {
    // Hand-rolled scan (a sticky regex per number dominated load time on EvalPlus's ~1M numbers).
    const s = this.s;
    const start = this.pos;
    let i = start;
    if (s.charCodeAt(i) === 0x2d) i++;
    const intStart = i;
    while (i < s.length && isDigit(s.charCodeAt(i))) i++;
    const intDigits = i - intStart;
    if (intDigits === 0 || (intDigits > 1 && s.charCodeAt(intStart) === 0x30)) {
      this.pos = i;
      this.fail("bad number");
    }
    let isFloat = false;
    if (s.charCodeAt(i) === 0x2e) {
      isFloat = true;
      const f = ++i;
      while (i < s.length && isDigit(s.charCodeAt(i))) i++;
      if (i === f) {
        this.pos = i;
        this.fail("bad number");
      }
    }
    const e = s.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      isFloat = true;
      i++;
      const sign = s.charCodeAt(i);
      if (sign === 0x2b || sign === 0x2d) i++;
      const d = i;
      while (i < s.length && isDigit(s.charCodeAt(i))) i++;
      if (i === d) {
        this.pos = i;
        this.fail("bad number");
      }
    }
    this.pos = i;
    const text = s.slice(start, i);
    if (isFloat || intDigits < 16 || !this.bigint) return Number(text);
    // A long integer: exact when it fits a double's integer range, else kept as bigint.
    const big = BigInt(text);
    return big > MAX_SAFE || big < -MAX_SAFE ? big : Number(text);
  }

  string(): string {
    const start = this.pos;
    const s = this.s;
    let i = start + 1;
    let escaped = false;
    for (;;) {
      const c = s.charCodeAt(i);
      if (Number.isNaN(c)) {
        this.pos = i;
        this.fail("unterminated string");
      }
      if (c === 0x5c) {
        escaped = true;
        i += 2;
      } else if (c === 0x22) break;
      else if (c < 0x20) {
        this.pos = i;
        this.fail("control character in string");
      } else i++;
    }
    this.pos = i + 1;
    if (!escaped) return s.slice(start + 1, i);
    // Let JSON.parse decode escapes exactly as the spec says.
    try {
      return JSON.parse(s.slice(start, i + 1)) as string;
    } catch (e) {
      this.pos = start;
      return this.fail(`bad string (${(e as Error).message})`);
    }
  }

  array(): unknown[] {
    this.pos++;
    const out: unknown[] = [];
    this.ws();
    if (this.s[this.pos] === "]") {
      this.pos++;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value());
      this.ws();
      const c = this.s[this.pos++];
      if (c === "]") return out;
      if (c !== ",") {
        this.pos--;
        this.fail("expected , or ]");
      }
    }
  }

  object(spans?: Map<string, string>): Record<string, unknown> {
    this.pos++;
    const out: Record<string, unknown> = {};
    this.ws();
    if (this.s[this.pos] === "}") {
      this.pos++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s[this.pos] !== '"') this.fail("expected a key");
      const key = this.string();
      this.ws();
      if (this.s[this.pos] !== ":") this.fail("expected :");
      this.pos++;
      this.ws();
      const start = this.pos;
      // Own property even for "__proto__": a data file must not reach Object.prototype.
      Object.defineProperty(out, key, {
        value: this.value(),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      spans?.set(key, this.s.slice(start, this.pos));
      this.ws();
      const c = this.s[this.pos++];
      if (c === "}") return out;
      if (c !== ",") {
        this.pos--;
        this.fail("expected , or }");
      }
    }
  }
}

export interface DumpsOptions {
  /** Python's `ensure_ascii` (default true): escape everything outside space..~ as `\uXXXX`. */
  ensureAscii?: boolean;
}

/**
 * Serialise like Python's `json.dumps` (", " and ": " separators, float `repr`): NaN and ±Infinity as
 * Python writes them, bigint as its digits. `ensureAscii: false` is how CodeRM wrote its prompt files.
 * Floats that JavaScript holds as integers print as integers, which is why writers prefer the raw text
 * captured at read time.
 */
export function stringifyPythonJson(v: unknown, options: DumpsOptions = {}): string {
  const str = options.ensureAscii === false ? (s: string) => JSON.stringify(s) : pythonString;
  const dump = (x: unknown): string => {
    if (x === null || x === undefined) return "null";
    switch (typeof x) {
      case "number":
        if (Number.isNaN(x)) return "NaN";
        if (x === Number.POSITIVE_INFINITY) return "Infinity";
        if (x === Number.NEGATIVE_INFINITY) return "-Infinity";
        return pythonFloatRepr(x);
      case "bigint":
        return x.toString();
      case "string":
        return str(x);
      case "boolean":
        return JSON.stringify(x);
      case "object":
        if (Array.isArray(x)) return `[${x.map(dump).join(", ")}]`;
        return `{${Object.entries(x as Record<string, unknown>)
          .filter(([, y]) => y !== undefined)
          .map(([k, y]) => `${str(k)}: ${dump(y)}`)
          .join(", ")}}`;
      default:
        throw new TypeError(`cannot serialise ${typeof x} as JSON`);
    }
  };
  return dump(v);
}

/** A string as `json.dumps` writes it by default: `ensure_ascii` escapes everything outside space..~. */
export function pythonString(s: string): string {
  return JSON.stringify(s).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * A number as Python's `repr(float)`: shortest round-trip digits (as JavaScript's), fixed notation for
 * decimal exponents -4..15 and otherwise `1e-06` style. Integral values print as integers, since a JS
 * number cannot say whether it was `0` or `0.0`.
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return Object.is(x, -0) ? "-0.0" : String(x);
  const [mant, expText] = x.toExponential().split("e") as [string, string];
  const exp = Number(expText);
  if (exp >= -4 && exp < 16) return Number.isInteger(x) ? `${x}.0` : String(x);
  const sign = exp < 0 ? "-" : "+";
  return `${mant}e${sign}${String(Math.abs(exp)).padStart(2, "0")}`;
}

/**
 * The same result as `parsePythonJson` for one object line, but only the listed keys' spans: tries the
 * native `JSON.parse` first (3x faster; identical values for standard JSON, since integers beyond 2^53
 * round the same way) and falls back to the Python-JSON parser for lines with NaN or Infinity.
 */
export function parsePythonJsonLine(text: string, keys: readonly string[]): PythonJsonParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return parsePythonJson(text);
  }
  const spans = new Map<string, string>();
  for (const key of keys) {
    const span = valueSpan(text, key);
    if (span !== undefined) spans.set(key, span);
  }
  return { value, spans };
}

/**
 * Source text of `"key": <value>` in valid JSON. Inside a JSON string every quote is escaped, so the
 * byte sequence `"key":` can only be a real key; the value's end is found by bracket depth, skipping
 * strings. Nested keys of the same name would also match, which the EvalPlus keys never have.
 */
function valueSpan(text: string, key: string): string | undefined {
  const at = text.indexOf(`${JSON.stringify(key)}:`);
  if (at < 0) return undefined;
  let i = at + key.length + 3;
  while (text[i] === " ") i++;
  const start = i;
  let depth = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
      if (depth === 0) return text.slice(start, i + 1);
    } else if (c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x5d || c === 0x7d) {
      if (depth === 0) return text.slice(start, i).trimEnd();
      depth--;
      if (depth === 0) return text.slice(start, i + 1);
    } else if (c === 0x2c && depth === 0) return text.slice(start, i).trimEnd();
  }
  return text.slice(start).trimEnd();
}
