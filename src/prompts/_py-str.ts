/**
 * The reference prompts were built with Python string operations whose edge cases (negative indices from a
 * failed `find`, `split()` on any whitespace) shape the released text. These helpers give those semantics.
 */

/** Python `s[start:end]` for possibly negative or missing bounds. */
export function pySlice(s: string, start?: number, end?: number): string {
  const n = s.length;
  const norm = (i: number | undefined, dflt: number) => {
    if (i === undefined) return dflt;
    if (i < 0) return Math.max(0, n + i);
    return Math.min(i, n);
  };
  const a = norm(start, 0);
  const b = norm(end, n);
  return b > a ? s.slice(a, b) : "";
}

/** Python `s.find(sub, start)`: a negative start counts from the end. */
export function pyFind(s: string, sub: string, start = 0): number {
  const from = start < 0 ? Math.max(0, s.length + start) : start;
  return s.indexOf(sub, from);
}

// Python str.isspace() characters (JS \s differs: it adds U+FEFF and lacks U+001C-U+001F, U+0085).
// biome-ignore lint/complexity/useRegexLiterals: a literal would need control characters Biome rejects.
const PY_WHITESPACE = new RegExp(
  "[\\t\\n\\v\\f\\r \\u001c-\\u001f\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]+",
  "u",
);

/** Python `" ".join(s.split())`: collapse every run of whitespace, trim both ends. */
export function collapseWhitespace(s: string): string {
  return s
    .split(PY_WHITESPACE)
    .filter((w) => w !== "")
    .join(" ");
}

/** Python `s.rstrip(chars)`. */
export function rstripChars(s: string, chars: string): string {
  let end = s.length;
  while (end > 0 && chars.includes(s[end - 1]!)) end--;
  return s.slice(0, end);
}

/** Python `s.strip(chars)`. */
export function stripChars(s: string, chars: string): string {
  let start = 0;
  while (start < s.length && chars.includes(s[start]!)) start++;
  return rstripChars(s.slice(start), chars);
}
