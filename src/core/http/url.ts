// Percent-encoding by hand (RFC 3986 §2.1): Espruino's decodeURIComponent rejects multi-byte
// UTF-8 and its encodeURIComponent emits wrong bytes, so URLs are decoded to bytes here and the
// bytes to text by utf8Decode.

import { utf8Decode, utf8Encode } from '../text/utf8';

var HEX_DIGITS = '0123456789ABCDEF';

/**
 * %XX-decodes a raw URL component (a binary string, as the request parser gives it), then decodes
 * the bytes as UTF-8. `plusAsSpace` is true for query strings and urlencoded forms, false for
 * paths, where '+' is a literal plus. Returns null on a malformed escape (`%4`, `%zz`, `%` at the
 * end) or when the bytes are not valid UTF-8. `%00` decodes to NUL: rejecting it is the caller's call.
 *
 *     percentDecode('caf%C3%A9+au+lait', true) === 'café au lait'
 */
export function percentDecode(s: string, plusAsSpace: boolean): string | null {
  if (s.indexOf('%') < 0 && (!plusAsSpace || s.indexOf('+') < 0)) return utf8Decode(s);
  var bytes = '';
  var runStart = 0;
  for (var i = 0; i < s.length; i++) {
    var c = s.charCodeAt(i);
    if (c === 0x25) {
      if (i + 2 >= s.length) return null;
      var high = hexValue(s.charCodeAt(i + 1));
      var low = hexValue(s.charCodeAt(i + 2));
      if (high < 0 || low < 0) return null;
      bytes += s.substring(runStart, i) + String.fromCharCode(high * 16 + low);
      i += 2;
      runStart = i + 1;
    } else if (c === 0x2b && plusAsSpace) {
      bytes += s.substring(runStart, i) + ' ';
      runStart = i + 1;
    }
  }
  return utf8Decode(bytes + s.substring(runStart));
}

/**
 * Parses a query string or an application/x-www-form-urlencoded body into an object, keys and
 * values decoded with percentDecode(…, true). A repeated key keeps its last value; `c` alone gives
 * ''; `h=1=2` gives '1=2'. Pairs with an empty or undecodable key or value are skipped, and so is
 * the key `__proto__`, which would otherwise change the result's prototype.
 *
 *     parseQuery('a=1&b=x+y&c') -> { a: '1', b: 'x y', c: '' }
 */
export function parseQuery(qs: string): { [key: string]: string } {
  var result: { [key: string]: string } = {};
  var start = 0;
  while (start < qs.length) {
    var end = qs.indexOf('&', start);
    if (end < 0) end = qs.length;
    var equals = qs.indexOf('=', start);
    var hasValue = equals >= 0 && equals < end;
    var key = percentDecode(qs.substring(start, hasValue ? equals : end), true);
    var value = hasValue ? percentDecode(qs.substring(equals + 1, end), true) : '';
    if (key !== null && key !== '' && key !== '__proto__' && value !== null) result[key] = value;
    start = end + 1;
  }
  return result;
}

/**
 * Percent-encodes text as UTF-8 for any URL component: only the unreserved characters
 * (RFC 3986 §2.3: letters, digits, '-', '.', '_', '~') are kept.
 *
 *     percentEncode('a b/é') === 'a%20b%2F%C3%A9'
 */
export function percentEncode(text: string): string {
  var bytes = utf8Encode(text);
  var out = '';
  var runStart = 0;
  for (var i = 0; i < bytes.length; i++) {
    var c = bytes.charCodeAt(i);
    if (isUnreserved(c)) continue;
    out += bytes.substring(runStart, i) + '%' + HEX_DIGITS.charAt(c >> 4) + HEX_DIGITS.charAt(c & 15);
    runStart = i + 1;
  }
  return runStart === 0 ? bytes : out + bytes.substring(runStart);
}

function isUnreserved(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
    c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e;
}

/** The value of a hex digit's character code, or -1. */
export function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}
