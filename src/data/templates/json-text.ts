/**
 * JSON string bodies (the text between the quotes) built piece by piece, so a template's
 * fixed text is escaped once rather than in every record.
 */

// What JSON.stringify escapes: quote, backslash, control characters, lone surrogates. A paired
// surrogate matches too and simply takes the slow path.
// eslint-disable-next-line no-control-regex -- control characters are what JSON escapes
const needsEscape = /["\\\u0000-\u001f\ud800-\udfff]/;

/** Same characters as JSON.stringify(text) without its quotes. */
export function jsonBody(text: string): string {
  return needsEscape.test(text) ? JSON.stringify(text).slice(1, -1) : text;
}

/** Text a template writes around the record's own, with its JSON form computed once. */
export class FixedText {
  readonly json: string;
  constructor(readonly text: string) {
    this.json = jsonBody(text);
  }
}

/**
 * True when escaping `before` and `after` separately differs from escaping them joined: a
 * high surrogate ending one and a low surrogate starting the other form a pair only together.
 */
export function splitsSurrogatePair(before: string, after: string): boolean {
  const high = before.charCodeAt(before.length - 1);
  const low = after.charCodeAt(0);
  return high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff;
}
