// Accept-Encoding (RFC 9110 §12.5.3), only as far as pre-compressed files need it: may the response
// be gzip? Plain loops rather than RegExp (Espruino's RegExp lacks most quantifiers).

/** The q-value of one `;`-separated parameter list (`;q=0.5`), 1 when absent or unreadable. */
function qValue(params: string): number {
  var parts = params.split(';');
  for (var i = 0; i < parts.length; i++) {
    var part = parts[i].trim();
    if (part.length > 2 && (part.charAt(0) === 'q' || part.charAt(0) === 'Q') && part.charAt(1) === '=') {
      var q = parseFloat(part.substring(2));
      return isNaN(q) ? 1 : q;
    }
  }
  return 1;
}

/**
 * True when the client takes gzip: `gzip` or `x-gzip` listed with q > 0, or else `*` with q > 0.
 * `gzip;q=0` refuses it. No header at all counts as no (RFC 9110 allows any coding then, but a
 * client that never asks, such as curl without --compressed, would save compressed bytes).
 */
export function acceptsGzip(header: string): boolean {
  if (!header) return false;
  var gzip = -1;
  var any = -1;
  var items = header.split(',');
  for (var i = 0; i < items.length; i++) {
    var item = items[i];
    var semicolon = item.indexOf(';');
    var coding = (semicolon < 0 ? item : item.substring(0, semicolon)).trim().toLowerCase();
    var q = semicolon < 0 ? 1 : qValue(item.substring(semicolon + 1));
    if (coding === 'gzip' || coding === 'x-gzip') gzip = q > gzip ? q : gzip;
    else if (coding === '*') any = q;
  }
  return gzip >= 0 ? gzip > 0 : any > 0;
}
