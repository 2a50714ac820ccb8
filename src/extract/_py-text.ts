/** Python string semantics the extractors must reproduce exactly. */

// str.isspace() characters: JS's trim() differs (it strips U+FEFF, keeps U+001C–U+001F and U+0085).
const PY_SPACE =
  "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const LEADING = new RegExp(`^[${PY_SPACE}]+`);
const TRAILING = new RegExp(`[${PY_SPACE}]+$`);

/** Python's `str.strip()` with no argument. */
export function pyStrip(text: string): string {
  return text.replace(LEADING, "").replace(TRAILING, "");
}
