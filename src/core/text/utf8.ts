// UTF-8 by hand. Sockets carry binary strings (one char per byte). What a text string holds depends
// on the engine:
// - Node (the shim): UTF-16 code units, so text must be encoded and decoded;
// - Espruino builds with Unicode strings (Linux, Bangle.js): code points, and E.asUTF8 turns
//   validated UTF-8 bytes into such a string;
// - most boards (ESP32, STM32): 8-bit strings only, where text in the source is already UTF-8 bytes,
//   so encoding is nothing and decoding only validates.
// Espruino offers no TextEncoder/TextDecoder and its decodeURIComponent fails on multi-byte UTF-8.

var unicodeStrings: boolean | null = null;

/** Any byte or character above ASCII. A single character class: Espruino's RegExp handles it natively. */
var NON_ASCII = /[^\x00-\x7f]/;

/** True when strings can hold characters above U+00FF (checked once, at first use). */
function hasUnicodeStrings(): boolean {
  if (unicodeStrings === null) {
    var probe = '\u0100';
    unicodeStrings = probe.length === 1 && probe.charCodeAt(0) === 0x100;
  }
  return unicodeStrings;
}

/** Encodes text as UTF-8 bytes in a binary string. Lone surrogates become U+FFFD. */
export function utf8Encode(text: string): string {
  if (!hasUnicodeStrings() || !NON_ASCII.test(text)) return text;
  // An Espruino Unicode string already holds UTF-8: its bytes are the answer.
  if (typeof E !== 'undefined' && E.isUTF8 && E.isUTF8(text)) return E.toString(E.toUint8Array(text));
  var out = '';
  var runStart = 0;
  for (var i = 0; i < text.length; i++) {
    var c = text.charCodeAt(i);
    if (c < 0x80) continue;
    // Copy the ASCII run in one slice: far fewer string joins than char by char.
    if (runStart < i) out += text.substring(runStart, i);
    runStart = i + 1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      var low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
        i++;
        runStart = i + 1;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    out += encodeCodePoint(c);
  }
  return runStart === 0 ? text : out + text.substring(runStart);
}

function encodeCodePoint(c: number): string {
  if (c < 0x800) return String.fromCharCode(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
  if (c < 0x10000) {
    return String.fromCharCode(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return String.fromCharCode(
    0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
}

/**
 * Decodes UTF-8 bytes (a binary string) to text, or returns null when the bytes are not valid
 * UTF-8 (overlong forms, surrogates, code points above U+10FFFF, truncated sequences): callers
 * answer 400 or close a WebSocket with 1007 rather than guess.
 */
export function utf8Decode(bytes: string): string | null {
  // ASCII is returned as it is: faster, and on Espruino a property named with an E.asUTF8 string
  // cannot be read with dot notation (`o[E.asUTF8('q')] = 1` leaves `o.q` undefined), which would
  // break `request.QueryParams.q`.
  if (!NON_ASCII.test(bytes)) return bytes;
  if (!isValidUtf8(bytes)) return null;
  if (!hasUnicodeStrings()) return bytes;
  // Espruino's String.fromCharCode keeps 8 bits only; E.asUTF8 makes the Unicode string natively.
  if (typeof E !== 'undefined' && E.asUTF8) return E.asUTF8(bytes);
  return decodeToUtf16(bytes);
}

/** Node's way: code points to UTF-16 code units. The input is valid UTF-8 (checked by the caller). */
function decodeToUtf16(bytes: string): string {
  var out = '';
  var runStart = 0;
  var i = 0;
  while (i < bytes.length) {
    var b0 = bytes.charCodeAt(i);
    if (b0 < 0x80) { i++; continue; }
    if (runStart < i) out += bytes.substring(runStart, i);
    var need = b0 >= 0xf0 ? 3 : b0 >= 0xe0 ? 2 : 1;
    var cp = b0 & (0x3f >> need);
    for (var k = 1; k <= need; k++) cp = (cp << 6) | (bytes.charCodeAt(i + k) & 0x3f);
    out += codePointToString(cp);
    i += need + 1;
    runStart = i;
  }
  return runStart === 0 ? bytes : out + bytes.substring(runStart);
}

/** Astral code points become a surrogate pair, as JavaScript strings hold them on Node. */
function codePointToString(cp: number): string {
  if (cp < 0x10000) return String.fromCharCode(cp);
  cp -= 0x10000;
  return String.fromCharCode(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
}

/**
 * True when a binary string is valid UTF-8: no overlong forms, surrogates, code points above
 * U+10FFFF or truncated sequences. Callers answer 400 or close a WebSocket with 1007 rather than guess.
 */
export function isValidUtf8(bytes: string): boolean {
  var i = 0;
  var length = bytes.length;
  while (i < length) {
    var b0 = bytes.charCodeAt(i);
    if (b0 < 0x80) { i++; continue; }
    var need: number, min: number, cp: number;
    if (b0 >= 0xc2 && b0 <= 0xdf) { need = 1; min = 0x80; cp = b0 & 0x1f; }
    else if (b0 >= 0xe0 && b0 <= 0xef) { need = 2; min = 0x800; cp = b0 & 0x0f; }
    else if (b0 >= 0xf0 && b0 <= 0xf4) { need = 3; min = 0x10000; cp = b0 & 0x07; }
    else return false;
    if (i + need >= length) return false;
    for (var k = 1; k <= need; k++) {
      var b = bytes.charCodeAt(i + k);
      if ((b & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += need + 1;
  }
  return true;
}
