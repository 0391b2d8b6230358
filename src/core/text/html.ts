// HTML escaping for text placed in pages: status pages, template expressions, MicroWebSrv2.HTMLEscape. The regular expressions are a single
// character class, which Espruino's RegExp engine handles, and they run natively: on the board a
// character loop written in JavaScript would cost far more per byte.

var NEEDS_ESCAPE = /[&<>"']/;
var ESCAPABLE = /[&<>"']/g;

/** A switch rather than a table: code stays in flash, a table object costs a board variables. */
function entityOf(char: string): string {
  switch (char) {
    case '&': return '&amp;';
    case '<': return '&lt;';
    case '>': return '&gt;';
    case '"': return '&quot;';
    default: return '&#39;';
  }
}

/**
 * Escapes the five characters that can open markup or end an attribute value:
 * `htmlEscape('<a href="x">')` gives `&lt;a href=&quot;x&quot;&gt;`. Text with none of them is returned
 * as it is, without building a new string.
 */
export function htmlEscape(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(ESCAPABLE, entityOf);
}
