// HTML escaping for text placed in pages: status pages, template expressions, MicroWebSrv2.HTMLEscape.

var ESCAPES: { [ch: string]: string } = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes & < > " ' (enough for element content and quoted attribute values). */
export function htmlEscape(text: string): string {
  var out = '';
  var runStart = 0;
  for (var i = 0; i < text.length; i++) {
    var replacement = ESCAPES[text.charAt(i)];
    if (replacement === undefined) continue;
    out += text.substring(runStart, i) + replacement;
    runStart = i + 1;
  }
  return runStart === 0 ? text : out + text.substring(runStart);
}
