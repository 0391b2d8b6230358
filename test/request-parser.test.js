'use strict';
// The request parser fed raw strings: each table row is a request as it arrives on the wire and
// the events it must produce, whatever the way the input is split.

const assert = require('assert');
const fc = require('fast-check');
const { RequestParser, removeDotSegments } = require('../build/lib/parts/http/RequestParser');

const LIMITS = { maxRequestLineLength: 64, maxHeaderBytes: 200, maxHeaderCount: 8, maxContentLength: 100 };

/**
 * Feeds `chunks` to a fresh parser and returns its events, adjacent body pieces merged so that
 * the result does not depend on how the input was split. By default next() is called from onEnd,
 * so pipelined requests are parsed one after the other. Options discardBody and skipBody do what
 * the server does from onHead with a body it will not read.
 */
function parse(chunks, options) {
  const opts = Object.assign({ limits: LIMITS, autoNext: true, discardBody: false, skipBody: false }, options);
  const events = [];
  let parser;
  parser = new RequestParser(opts.limits, {
    onHead(head) {
      events.push({ head: head });
      if (opts.discardBody) parser.discardBody = true;
      if (opts.skipBody) parser.skipBody();
    },
    onBody(data) {
      assert.ok(data.length > 0, 'onBody is never called with an empty string');
      const last = events[events.length - 1];
      if (last && last.body !== undefined) last.body += data;
      else events.push({ body: data });
    },
    onEnd() {
      events.push('end');
      if (opts.autoNext) parser.next();
    },
    onError(status, message) {
      assert.strictEqual(typeof message, 'string');
      events.push({ error: status });
    }
  });
  for (const chunk of typeof chunks === 'string' ? [chunks] : chunks) parser.feed(chunk);
  return { events: events, parser: parser };
}

/** Events with each head reduced to the fields the expectation names. */
function project(events, expected) {
  return events.map((event, i) => {
    if (!event.head) return event;
    const want = expected[i] && expected[i].head;
    if (!want) return { head: event.head };
    const picked = {};
    for (const key of Object.keys(want)) picked[key] = event.head[key];
    return { head: picked };
  });
}

function assertEvents(raw, expected, options) {
  const { events } = parse(raw, options);
  assert.deepStrictEqual(project(events, expected), expected);
}

const { withEspruinoIndexOf } = require('./helpers/espruino-quirks');

const GET = (extra) => 'GET / HTTP/1.1\r\nHost: h\r\n' + (extra || '') + '\r\n';
const POST = (headers, body) => 'POST /p HTTP/1.1\r\nHost: h\r\n' + headers + '\r\n' + body;

// [title, raw request, expected events, options]
const ROWS = [
  // Line framing (RFC 9112 §2.2)
  ['ignores leading CRLF lines before the request line', '\r\n\r\n' + GET(), [{ head: { method: 'GET', path: '/' } }, 'end']],
  ['ignores leading bare LF lines before the request line', '\n\n' + GET(), [{ head: { method: 'GET' } }, 'end']],
  ['accepts bare LF as the line terminator everywhere', 'GET /a HTTP/1.1\nHost: h\nX: 1\n\n', [{ head: { path: '/a', headers: { host: 'h', x: '1' } } }, 'end']],
  // One request, one line ending: a parser in front that took only CRLF would see other requests.
  ['rejects a header line ended by a bare LF in a CRLF request with 400', 'GET / HTTP/1.1\r\nHost: h\nX: 1\r\n\r\n', [{ error: 400 }]],
  ['rejects a bare LF ending the header section of a CRLF request with 400', 'GET / HTTP/1.1\r\nHost: h\r\n\n', [{ error: 400 }]],
  ['rejects a CRLF header line in a bare-LF request with 400', 'GET / HTTP/1.1\nHost: h\r\nX: 1\n\n', [{ error: 400 }]],
  ['rejects a CRLF ending the header section of a bare-LF request with 400', 'GET / HTTP/1.1\nHost: h\n\r\n', [{ error: 400 }]],
  ['lets each pipelined request choose its line ending', 'GET /a HTTP/1.1\nHost: h\n\n' + GET() + 'GET /c HTTP/1.1\nHost: h\n\n',
    [{ head: { path: '/a' } }, 'end', { head: { path: '/' } }, 'end', { head: { path: '/c' } }, 'end']],
  ['ignores leading empty lines of either ending before a CRLF request', '\n\r\n' + GET(), [{ head: { path: '/' } }, 'end']],
  ['rejects a bare CR inside the request line with 400', 'GET /a\rb HTTP/1.1\r\nHost: h\r\n\r\n', [{ error: 400 }]],
  ['rejects a bare CR inside a header value with 400', GET('X: a\rb\r\n'), [{ error: 400 }]],
  ['rejects a CR that ends a line without LF (CR CR LF) with 400', 'GET / HTTP/1.1\r\r\nHost: h\r\n\r\n', [{ error: 400 }]],

  // Request line (RFC 9112 §3)
  ['parses method, target and version', 'PUT /x/y?z=1 HTTP/1.1\r\nHost: h\r\n\r\n', [{ head: { method: 'PUT', version: '1.1', path: '/x/y', query: 'z=1' } }, 'end']],
  ['keeps the method case-sensitive as sent', 'get / HTTP/1.1\r\nHost: h\r\n\r\n', [{ head: { method: 'get' } }, 'end']],
  ['accepts any token method (tchar punctuation)', "M-E.T_H!#$%&'*+^`|~0 / HTTP/1.1\r\nHost: h\r\n\r\n", [{ head: { method: "M-E.T_H!#$%&'*+^`|~0" } }, 'end']],
  ['rejects a method with a non-token character with 400', 'GE@T / HTTP/1.1\r\nHost: h\r\n\r\n', [{ error: 400 }]],
  ['rejects a method with a non-ASCII byte with 400', 'G\xc9T / HTTP/1.1\r\nHost: h\r\n\r\n', [{ error: 400 }]],
  ['rejects two spaces between method and target with 400', 'GET  / HTTP/1.1\r\nHost: h\r\n\r\n', [{ error: 400 }]],
  ['rejects a trailing space after the version with 400', 'GET / HTTP/1.1 \r\nHost: h\r\n\r\n', [{ error: 400 }]],
  ['rejects a leading space before the method with 400', ' GET / HTTP/1.1\r\nHost: h\r\n\r\n', [{ error: 400 }]],
  ['rejects HTAB as the separator with 400', 'GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n', [{ error: 400 }]],
  ['rejects a request line without version (HTTP/0.9 style) with 400', 'GET /\r\n\r\n', [{ error: 400 }]],
  ['rejects a request line with an empty target with 400', 'GET  HTTP/1.1\r\nHost: h\r\n\r\n', [{ error: 400 }]],
  ['reports HTTP/1.0 as version 1.0', 'GET / HTTP/1.0\r\n\r\n', [{ head: { version: '1.0' } }, 'end']],
  ['reports HTTP/1.9 as version 1.1', 'GET / HTTP/1.9\r\nHost: h\r\n\r\n', [{ head: { version: '1.1' } }, 'end']],
  ['answers 505 to HTTP/2.0', 'GET / HTTP/2.0\r\nHost: h\r\n\r\n', [{ error: 505 }]],
  ['answers 505 to HTTP/0.9 written with a version', 'GET / HTTP/0.9\r\n\r\n', [{ error: 505 }]],
  ['rejects a lower-case HTTP name with 400', 'GET / http/1.1\r\nHost: h\r\n\r\n', [{ error: 400 }]],
  ['rejects a two-digit minor version with 400', 'GET / HTTP/1.10\r\nHost: h\r\n\r\n', [{ error: 400 }]],
  ['rejects a version without minor with 400', 'GET / HTTP/1\r\nHost: h\r\n\r\n', [{ error: 400 }]],
  ['rejects a non-digit major version with 400', 'GET / HTTP/x.1\r\nHost: h\r\n\r\n', [{ error: 400 }]],
  ['accepts a request line exactly maxRequestLineLength long', 'GET /' + 'a'.repeat(50) + ' HTTP/1.1\r\nHost: h\r\n\r\n', [{ head: { path: '/' + 'a'.repeat(50) } }, 'end']],
  ['answers 414 to a request line one byte over maxRequestLineLength', 'GET /' + 'a'.repeat(51) + ' HTTP/1.1\r\nHost: h\r\n\r\n', [{ error: 414 }]],
  ['answers 414 as soon as an unterminated request line exceeds the limit', 'GET /' + 'a'.repeat(80), [{ error: 414 }]],

  // Request-target forms (RFC 9112 §3.2)
  ['splits an origin-form target at the first ?', 'GET /a/b?c=1?d HTTP/1.1\r\nHost: h\r\n\r\n', [{ head: { path: '/a/b', query: 'c=1?d' } }, 'end']],
  ['keeps an empty query after a bare ?', 'GET /a? HTTP/1.1\r\nHost: h\r\n\r\n', [{ head: { path: '/a', query: '' } }, 'end']],
  ['keeps the path percent-encoded', 'GET /a%20b+c HTTP/1.1\r\nHost: h\r\n\r\n', [{ head: { path: '/a%20b+c' } }, 'end']],
  ['takes path and query after the authority of an absolute-form target', 'GET http://example.com:8080/p/q?x=1 HTTP/1.1\r\nHost: h\r\n\r\n', [{ head: { path: '/p/q', query: 'x=1' } }, 'end']],
  ['accepts an https absolute-form target with the scheme in any case', 'GET HtTpS://h/s HTTP/1.1\r\nHost: h\r\n\r\n', [{ head: { path: '/s', query: '' } }, 'end']],
  ['reports / for an absolute-form target without path', 'GET http://h HTTP/1.1\r\nHost: h\r\n\r\n', [{ head: { path: '/', query: '' } }, 'end']],
  ['reports / for an absolute-form target with only a query', 'GET http://h?x=1 HTTP/1.1\r\nHost: h\r\n\r\n', [{ head: { path: '/', query: 'x=1' } }, 'end']],
  ['rejects an absolute-form target with an empty authority with 400', 'GET http:///p HTTP/1.1\r\nHost: h\r\n\r\n', [{ error: 400 }]],
  ['ignores the userinfo of an absolute-form target', 'GET http://a%12:b!&*$@host:1234/toto HTTP/1.1\r\nHost: h\r\n\r\n', [{ head: { path: '/toto', query: '' } }, 'end']],
  ['ignores an empty userinfo', 'GET http://@h/p?q HTTP/1.1\r\nHost: h\r\n\r\n', [{ head: { path: '/p', query: 'q' } }, 'end']],
  ['rejects an authority with two @ with 400', 'GET http://u@v@h/p HTTP/1.1\r\nHost: h\r\n\r\n', [{ error: 400 }]],
  ['rejects userinfo without a host with 400', 'GET http://u@/p HTTP/1.1\r\nHost: h\r\n\r\n', [{ error: 400 }]],

  // Dot segments (RFC 3986 §5.2.4, %2E as a dot §6.2.2.2)
  ['removes . segments from the path', 'GET /./a/./b HTTP/1.1\r\nHost: h\r\n\r\n', [{ head: { path: '/a/b' } }, 'end']],
  ['removes a .. segment with the segment before it', 'GET /a/../index.html HTTP/1.1\r\nHost: h\r\n\r\n', [{ head: { path: '/index.html' } }, 'end']],
  ['never climbs above the root', 'GET /../../index.html HTTP/1.1\r\nHost: h\r\n\r\n', [{ head: { path: '/index.html' } }, 'end']],
  ['takes %2E and %2e for dots', 'GET /a/b/%2e%2E/.%2e/%2E/c HTTP/1.1\r\nHost: h\r\n\r\n', [{ head: { path: '/c' } }, 'end']],
  ['keeps a directory slash after a final dot segment', 'GET /a/b/..?x=/../y HTTP/1.1\r\nHost: h\r\n\r\n', [{ head: { path: '/a/', query: 'x=/../y' } }, 'end']],
  ['keeps %2F as part of a segment', 'GET /..%2f..%2Fx HTTP/1.1\r\nHost: h\r\n\r\n', [{ head: { path: '/..%2f..%2Fx' } }, 'end']],
  ['keeps names that merely contain dots', 'GET /a..b/.c/.../%2e%2e%2e HTTP/1.1\r\nHost: h\r\n\r\n', [{ head: { path: '/a..b/.c/.../%2e%2e%2e' } }, 'end']],
  ['removes dot segments from an absolute-form target', 'GET http://h/a/./../b HTTP/1.1\r\nHost: h\r\n\r\n', [{ head: { path: '/b' } }, 'end']],
  ['rejects a target with another scheme with 400', 'GET ftp://h/p HTTP/1.1\r\nHost: h\r\n\r\n', [{ error: 400 }]],
  ['accepts the asterisk-form for OPTIONS', 'OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n', [{ head: { method: 'OPTIONS', path: '*', query: '' } }, 'end']],
  ['rejects the asterisk-form for GET with 400', 'GET * HTTP/1.1\r\nHost: h\r\n\r\n', [{ error: 400 }]],
  ['rejects the authority-form (CONNECT) with 400', 'CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n', [{ error: 400 }]],
  ['rejects a relative target with 400', 'GET a/b HTTP/1.1\r\nHost: h\r\n\r\n', [{ error: 400 }]],
  ['rejects a target with a control byte with 400', 'GET /a\x01 HTTP/1.1\r\nHost: h\r\n\r\n', [{ error: 400 }]],
  ['rejects a target with DEL (0x7F) with 400', 'GET /a\x7f HTTP/1.1\r\nHost: h\r\n\r\n', [{ error: 400 }]],
  ['rejects a target with a byte >= 0x80 with 400', 'GET /\xc3\xa9 HTTP/1.1\r\nHost: h\r\n\r\n', [{ error: 400 }]],
  ['rejects a target with byte 0xFF with 400', 'GET /\xff HTTP/1.1\r\nHost: h\r\n\r\n', [{ error: 400 }]],

  // Header fields (RFC 9112 §5)
  ['lower-cases field names and trims SP/HTAB around values', GET('X-Mixed-Case: \t v a l \t \r\n'), [{ head: { headers: { host: 'h', 'x-mixed-case': 'v a l' } } }, 'end']],
  ['keeps an empty field value', GET('X-Empty:\r\n'), [{ head: { headers: { host: 'h', 'x-empty': '' } } }, 'end']],
  ['keeps obs-text bytes (0xA0) at the edges of a value', GET('X: \xa0v\xa0\r\n'), [{ head: { headers: { host: 'h', x: '\xa0v\xa0' } } }, 'end']],
  ['joins repeated fields with a comma', GET('Accept: a\r\nAccept: b\r\naccept: c\r\n'), [{ head: { headers: { host: 'h', accept: 'a, b, c' } } }, 'end']],
  ['joins repeated Cookie fields with a semicolon', GET('Cookie: a=1\r\nCookie: b=2\r\n'), [{ head: { headers: { host: 'h', cookie: 'a=1; b=2' } } }, 'end']],
  ['drops a field named __proto__ and stores constructor as an own field', GET('__proto__: x\r\nConstructor: y\r\n'), [{ head: { headers: { host: 'h', constructor: 'y' } } }, 'end']],
  ['rejects whitespace between field name and colon with 400', GET('X : v\r\n'), [{ error: 400 }]],
  ['rejects a field line without colon with 400', GET('NoColon\r\n'), [{ error: 400 }]],
  ['rejects an empty field name with 400', GET(': v\r\n'), [{ error: 400 }]],
  ['rejects a field name with a non-token character with 400', GET('X(y): v\r\n'), [{ error: 400 }]],
  ['rejects obs-fold (a line starting with SP) with 400', GET('X: a\r\n b\r\n'), [{ error: 400 }]],
  ['rejects obs-fold (a line starting with HTAB) with 400', GET('X: a\r\n\tb\r\n'), [{ error: 400 }]],
  ['rejects whitespace before the first field line with 400', 'GET / HTTP/1.1\r\n Host: h\r\n\r\n', [{ error: 400 }]],
  ['rejects NUL in a field value with 400', GET('X: a\x00b\r\n'), [{ error: 400 }]],
  // RFC 9110 §5.5: no control but HTAB in a value.
  ['rejects 0x01 in a field value with 400', GET('X: a\x01b\r\n'), [{ error: 400 }]],
  ['rejects DEL (0x7F) in a field value with 400', GET('X: a\x7fb\r\n'), [{ error: 400 }]],
  ['rejects 0x1F at the end of a field value with 400', GET('X: ab\x1f\r\n'), [{ error: 400 }]],
  ['rejects a control byte in leading whitespace with 400', GET('X:\x0b ab\r\n'), [{ error: 400 }]],
  ['keeps HTAB inside a field value', GET('X: a\tb\r\n'), [{ head: { headers: { host: 'h', x: 'a\tb' } } }, 'end']],
  ['keeps obs-text bytes (0x80, 0xFF) inside a field value', GET('X: a\x80\xffb\r\n'), [{ head: { headers: { host: 'h', x: 'a\x80\xffb' } } }, 'end']],
  ['accepts a header section of exactly maxHeaderBytes', GET('X: ' + 'v'.repeat(200 - 7 - 3) + '\r\n'), [{ head: { method: 'GET' } }, 'end']],
  ['answers 431 to a header section over maxHeaderBytes', GET('X: ' + 'v'.repeat(200 - 7 - 2) + '\r\n'), [{ error: 431 }]],
  ['answers 431 to header bytes that never end with a blank line', 'GET / HTTP/1.1\r\nHost: h\r\n' + 'X: 1\r\n'.repeat(8) + 'Y: ' + 'v'.repeat(200), [{ error: 431 }], { limits: Object.assign({}, LIMITS, { maxHeaderCount: 1000 }) }],
  ['answers 431 to an unterminated header line over the limit', 'GET / HTTP/1.1\r\nHost: h\r\nX: ' + 'v'.repeat(300), [{ error: 431 }]],
  ['accepts exactly maxHeaderCount field lines', GET('X: 1\r\n'.repeat(7)), [{ head: { headers: { host: 'h', x: '1, 1, 1, 1, 1, 1, 1' } } }, 'end']],
  ['answers 431 to more than maxHeaderCount field lines', GET('X: 1\r\n'.repeat(8)), [{ error: 431 }]],

  // Host (RFC 9112 §3.2)
  ['rejects an HTTP/1.1 request without Host with 400', 'GET / HTTP/1.1\r\nX: 1\r\n\r\n', [{ error: 400 }]],
  ['accepts an HTTP/1.0 request without Host', 'GET / HTTP/1.0\r\n\r\n', [{ head: { version: '1.0', headers: {} } }, 'end']],
  ['rejects two Host fields with 400', GET('Host: h\r\n'), [{ error: 400 }]],
  ['rejects two Host fields in HTTP/1.0 with 400', 'GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n', [{ error: 400 }]],

  // Content-Length (RFC 9112 §6.3)
  ['reports contentLength 0 and ends at once without a body', GET(), [{ head: { contentLength: 0, chunked: false } }, 'end']],
  ['reads a Content-Length body', POST('Content-Length: 5\r\n', 'hello'), [{ head: { contentLength: 5 } }, { body: 'hello' }, 'end']],
  ['passes binary body bytes unchanged', POST('Content-Length: 4\r\n', '\x00\r\n\xff'), [{ head: { contentLength: 4 } }, { body: '\x00\r\n\xff' }, 'end']],
  ['ends at once with Content-Length: 0', POST('Content-Length: 0\r\n', ''), [{ head: { contentLength: 0 } }, 'end']],
  ['treats a list of identical Content-Length values as one', POST('Content-Length: 3, 3\r\n', 'abc'), [{ head: { contentLength: 3 } }, { body: 'abc' }, 'end']],
  ['treats repeated identical Content-Length fields as one', POST('Content-Length: 3\r\nContent-Length: 3\r\n', 'abc'), [{ head: { contentLength: 3 } }, { body: 'abc' }, 'end']],
  ['rejects differing Content-Length fields with 400', POST('Content-Length: 3\r\nContent-Length: 5\r\n', 'abcde'), [{ error: 400 }]],
  ['rejects a differing Content-Length list with 400', POST('Content-Length: 3, 4\r\n', 'abcd'), [{ error: 400 }]],
  ['rejects a Content-Length list with an empty item with 400', POST('Content-Length: 3,,3\r\n', 'abc'), [{ error: 400 }]],
  ['rejects a non-numeric Content-Length with 400', POST('Content-Length: abc\r\n', ''), [{ error: 400 }]],
  ['rejects a negative Content-Length with 400', POST('Content-Length: -1\r\n', ''), [{ error: 400 }]],
  ['rejects a signed Content-Length with 400', POST('Content-Length: +1\r\n', 'a'), [{ error: 400 }]],
  ['rejects a hexadecimal Content-Length with 400', POST('Content-Length: 0x10\r\n', ''), [{ error: 400 }]],
  ['rejects an empty Content-Length with 400', POST('Content-Length:\r\n', ''), [{ error: 400 }]],
  ['rejects an absurdly long Content-Length with 400', POST('Content-Length: 1234567890123456\r\n', ''), [{ error: 400 }], { limits: Object.assign({}, LIMITS, { maxContentLength: 1e20 }) }],
  ['accepts a Content-Length equal to maxContentLength', POST('Content-Length: 100\r\n', 'b'.repeat(100)), [{ head: { contentLength: 100 } }, { body: 'b'.repeat(100) }, 'end']],
  ['answers 413 to a Content-Length over maxContentLength without onHead or body', POST('Content-Length: 101\r\n', 'b'.repeat(101)), [{ error: 413 }]],

  // Transfer-Encoding (RFC 9112 §6.1, §7)
  ['decodes a chunked body', POST('Transfer-Encoding: chunked\r\n', '5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n'), [{ head: { chunked: true, contentLength: -1 } }, { body: 'hello world' }, 'end']],
  ['accepts the chunked coding in any case', POST('Transfer-Encoding: ChunKed\r\n', '1\r\nx\r\n0\r\n\r\n'), [{ head: { chunked: true } }, { body: 'x' }, 'end']],
  ['accepts upper- and lower-case hex chunk sizes', POST('Transfer-Encoding: chunked\r\n', 'A\r\n0123456789\r\nb\r\n0123456789a\r\n0\r\n\r\n'), [{ head: { chunked: true } }, { body: '01234567890123456789a' }, 'end']],
  ['ignores chunk extensions', POST('Transfer-Encoding: chunked\r\n', '3;name=value;x\r\nabc\r\n3 ; y="q"\r\ndef\r\n0;last\r\n\r\n'), [{ head: { chunked: true } }, { body: 'abcdef' }, 'end']],
  ['accepts bare LF chunked framing in a bare-LF request', 'POST /p HTTP/1.1\nHost: h\nTransfer-Encoding: chunked\n\n3\nabc\n0\nT: 1\n\n', [{ head: { chunked: true } }, { body: 'abc' }, 'end']],
  ['rejects a chunk-size line ended by a bare LF in a CRLF request with 400', POST('Transfer-Encoding: chunked\r\n', '3\nabc\r\n0\r\n\r\n'), [{ head: { chunked: true } }, { error: 400 }]],
  ['rejects chunk data followed by a bare LF in a CRLF request with 400', POST('Transfer-Encoding: chunked\r\n', '3\r\nabc\n0\r\n\r\n'), [{ head: { chunked: true } }, { body: 'abc' }, { error: 400 }]],
  ['rejects chunk data followed by CRLF in a bare-LF request with 400', 'POST /p HTTP/1.1\nHost: h\nTransfer-Encoding: chunked\n\n3\nabc\r\n0\n\n', [{ head: { chunked: true } }, { body: 'abc' }, { error: 400 }]],
  ['rejects a trailer section ended by a bare LF in a CRLF request with 400', POST('Transfer-Encoding: chunked\r\n', '0\r\n\n'), [{ head: { chunked: true } }, { error: 400 }]],
  ['rejects ; with no extension name (2;) with 400', POST('Transfer-Encoding: chunked\r\n', '2;\r\nab\r\n0\r\n\r\n'), [{ head: { chunked: true } }, { error: 400 }]],
  ['rejects a space after the chunk size with no extension (a SP) with 400', POST('Transfer-Encoding: chunked\r\n', 'a \r\n0123456789\r\n0\r\n\r\n'), [{ head: { chunked: true } }, { error: 400 }]],
  ['rejects a space after the last chunk size with 400', POST('Transfer-Encoding: chunked\r\n', '0 \r\n\r\n'), [{ head: { chunked: true } }, { error: 400 }]],
  ['rejects a chunk extension with = and no value with 400', POST('Transfer-Encoding: chunked\r\n', '2;a=\r\nab\r\n0\r\n\r\n'), [{ head: { chunked: true } }, { error: 400 }]],
  ['rejects a chunk extension name that is not a token with 400', POST('Transfer-Encoding: chunked\r\n', '2;a@b\r\nab\r\n0\r\n\r\n'), [{ head: { chunked: true } }, { error: 400 }]],
  ['rejects whitespace after a chunk extension with 400', POST('Transfer-Encoding: chunked\r\n', '2;a=b \r\nab\r\n0\r\n\r\n'), [{ head: { chunked: true } }, { error: 400 }]],
  ['rejects an unterminated quoted chunk extension value with 400', POST('Transfer-Encoding: chunked\r\n', '2;a="b\\"\r\nab\r\n0\r\n\r\n'), [{ head: { chunked: true } }, { error: 400 }]],
  ['rejects a control byte in a quoted chunk extension value with 400', POST('Transfer-Encoding: chunked\r\n', '2;a="\x01"\r\nab\r\n0\r\n\r\n'), [{ head: { chunked: true } }, { error: 400 }]],
  ['accepts quoted chunk extension values with escapes and delimiters', POST('Transfer-Encoding: chunked\r\n', '2 ;a = "x\\"y;=z" ; b=c;d\r\nab\r\n0\r\n\r\n'), [{ head: { chunked: true } }, { body: 'ab' }, 'end']],
  ['reads and discards trailer fields', POST('Transfer-Encoding: chunked\r\n', '3\r\nabc\r\n0\r\nX-Trailer: 1\r\nY: 2\r\n\r\n'), [{ head: { chunked: true } }, { body: 'abc' }, 'end']],
  ['accepts a chunked body of exactly maxContentLength', POST('Transfer-Encoding: chunked\r\n', '32\r\n' + 'a'.repeat(50) + '\r\n32\r\n' + 'b'.repeat(50) + '\r\n0\r\n\r\n'), [{ head: { chunked: true } }, { body: 'a'.repeat(50) + 'b'.repeat(50) }, 'end']],
  ['answers 413 when the chunked total would cross maxContentLength', POST('Transfer-Encoding: chunked\r\n', '32\r\n' + 'a'.repeat(50) + '\r\n33\r\n' + 'b'.repeat(51) + '\r\n0\r\n\r\n'), [{ head: { chunked: true } }, { body: 'a'.repeat(50) }, { error: 413 }]],
  ['accepts a chunk size of 8 hex digits with leading zeros', POST('Transfer-Encoding: chunked\r\n', '00000002\r\nab\r\n0\r\n\r\n'), [{ head: { chunked: true } }, { body: 'ab' }, 'end']],
  ['rejects a chunk size of 9 hex digits with 400', POST('Transfer-Encoding: chunked\r\n', '000000002\r\nab\r\n0\r\n\r\n'), [{ head: { chunked: true } }, { error: 400 }]],
  ['rejects a non-hex chunk size with 400', POST('Transfer-Encoding: chunked\r\n', 'g\r\n'), [{ head: { chunked: true } }, { error: 400 }]],
  ['rejects an empty chunk-size line with 400', POST('Transfer-Encoding: chunked\r\n', '\r\n'), [{ head: { chunked: true } }, { error: 400 }]],
  ['rejects a signed chunk size with 400', POST('Transfer-Encoding: chunked\r\n', '-1\r\n'), [{ head: { chunked: true } }, { error: 400 }]],
  ['rejects junk after the chunk size with 400', POST('Transfer-Encoding: chunked\r\n', '3 x\r\nabc\r\n0\r\n\r\n'), [{ head: { chunked: true } }, { error: 400 }]],
  ['rejects chunk data not followed by CRLF with 400', POST('Transfer-Encoding: chunked\r\n', '3\r\nabcd\r\n0\r\n\r\n'), [{ head: { chunked: true } }, { body: 'abc' }, { error: 400 }]],
  ['rejects chunk data followed by CR without LF with 400', POST('Transfer-Encoding: chunked\r\n', '3\r\nabc\rx0\r\n\r\n'), [{ head: { chunked: true } }, { body: 'abc' }, { error: 400 }]],
  ['rejects chunk extensions longer than maxRequestLineLength with 400', POST('Transfer-Encoding: chunked\r\n', '3;' + 'e'.repeat(70) + '\r\nabc\r\n0\r\n\r\n'), [{ head: { chunked: true } }, { error: 400 }]],
  ['rejects unterminated chunk extensions over the limit with 400', POST('Transfer-Encoding: chunked\r\n', '3;' + 'e'.repeat(70)), [{ head: { chunked: true } }, { error: 400 }]],
  ['answers 431 to trailers over maxHeaderBytes', POST('Transfer-Encoding: chunked\r\n', '0\r\nT: ' + 't'.repeat(200) + '\r\n\r\n'), [{ head: { chunked: true } }, { error: 431 }]],
  ['answers 431 to trailers that never end', POST('Transfer-Encoding: chunked\r\n', '0\r\n' + 'T: 1\r\n'.repeat(60)), [{ head: { chunked: true } }, { error: 431 }]],
  ['rejects a malformed trailer field with 400', POST('Transfer-Encoding: chunked\r\n', '0\r\nno colon\r\n\r\n'), [{ head: { chunked: true } }, { error: 400 }]],
  ['rejects a control byte in a trailer field value with 400', POST('Transfer-Encoding: chunked\r\n', '0\r\nT: a\x01\r\n\r\n'), [{ head: { chunked: true } }, { error: 400 }]],
  ['answers 501 to a transfer coding other than chunked', POST('Transfer-Encoding: gzip\r\n', ''), [{ error: 501 }]],
  ['answers 501 to identity', POST('Transfer-Encoding: identity\r\n', ''), [{ error: 501 }]],
  ['answers 501 to gzip before chunked', POST('Transfer-Encoding: gzip, chunked\r\n', '0\r\n\r\n'), [{ error: 501 }]],
  ['answers 501 to chunked not last', POST('Transfer-Encoding: chunked, gzip\r\n', '0\r\n\r\n'), [{ error: 501 }]],
  ['answers 501 to chunked applied twice across fields', POST('Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n'), [{ error: 501 }]],
  ['rejects Transfer-Encoding with Content-Length with 400 (smuggling guard)', POST('Transfer-Encoding: chunked\r\nContent-Length: 3\r\n', '0\r\n\r\n'), [{ error: 400 }]],
  ['rejects Content-Length before Transfer-Encoding with 400', POST('Content-Length: 3\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n'), [{ error: 400 }]],
  ['rejects Transfer-Encoding in an HTTP/1.0 request with 400', 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', [{ error: 400 }]],
  ['rejects an empty Transfer-Encoding with 400', POST('Transfer-Encoding: \r\n', ''), [{ error: 400 }]],

  // Expect (RFC 9110 §10.1.1)
  ['reports Expect: 100-continue', POST('Expect: 100-continue\r\nContent-Length: 2\r\n', 'ok'), [{ head: { expectContinue: true } }, { body: 'ok' }, 'end']],
  ['matches 100-continue case-insensitively', POST('Expect: 100-Continue\r\nContent-Length: 0\r\n', ''), [{ head: { expectContinue: true } }, 'end']],
  ['reports expectContinue false without Expect', GET(), [{ head: { expectContinue: false } }, 'end']],
  ['ignores 100-continue in an HTTP/1.0 request', 'POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx', [{ head: { expectContinue: false } }, { body: 'x' }, 'end']],
  ['answers 417 to another expectation', GET('Expect: something\r\n'), [{ error: 417 }]],
  ['answers 413, not 100-continue, to an oversized body that expects it', POST('Expect: 100-continue\r\nContent-Length: 500\r\n', ''), [{ error: 413 }]],

  // Persistence and upgrade (RFC 9112 §9.3, RFC 9110 §7.8)
  ['keeps an HTTP/1.1 connection alive by default', GET(), [{ head: { keepAlive: true, upgrade: false } }, 'end']],
  ['closes an HTTP/1.1 connection on a close token in any case', GET('Connection: Close\r\n'), [{ head: { keepAlive: false } }, 'end']],
  ['finds close among other Connection tokens', GET('Connection: keep-alive, close\r\n'), [{ head: { keepAlive: false } }, 'end']],
  ['finds close in a repeated Connection field', GET('Connection: foo\r\nConnection: close\r\n'), [{ head: { keepAlive: false } }, 'end']],
  ['does not take the token "closed" for close', GET('Connection: closed\r\n'), [{ head: { keepAlive: true } }, 'end']],
  ['closes an HTTP/1.0 connection by default', 'GET / HTTP/1.0\r\n\r\n', [{ head: { keepAlive: false } }, 'end']],
  ['keeps an HTTP/1.0 connection alive with a keep-alive token', 'GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n', [{ head: { keepAlive: true } }, 'end']],
  ['does not take keep-alive-foo for keep-alive in HTTP/1.0', 'GET / HTTP/1.0\r\nConnection: keep-alive-foo\r\n\r\n', [{ head: { keepAlive: false } }, 'end']],
  ['lets close win over keep-alive in HTTP/1.0', 'GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n', [{ head: { keepAlive: false } }, 'end']],
  ['reports upgrade with the Connection token and an Upgrade field', GET('Connection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n'), [{ head: { upgrade: true } }, 'end']],
  ['does not report upgrade without an Upgrade field', GET('Connection: upgrade\r\n'), [{ head: { upgrade: false } }, 'end']],
  ['does not report upgrade for an Upgrade field without the Connection token', GET('Upgrade: websocket\r\n'), [{ head: { upgrade: false } }, 'end']],
  ['does not take Upgrade-Insecure for the upgrade token', GET('Connection: keep-alive, Upgrade-Insecure\r\nUpgrade: websocket\r\n'), [{ head: { upgrade: false } }, 'end']],

  // Pipelining
  ['parses two pipelined requests in order', GET() + POST('Content-Length: 2\r\n', 'hi') + 'GET /3 HTTP/1.0\r\n\r\n', [{ head: { method: 'GET' } }, 'end', { head: { method: 'POST' } }, { body: 'hi' }, 'end', { head: { path: '/3' } }, 'end']],
  ['skips empty lines between pipelined requests', GET() + '\r\n' + GET(), [{ head: { method: 'GET' } }, 'end', { head: { method: 'GET' } }, 'end']],
  ['parses a chunked request followed by another', POST('Transfer-Encoding: chunked\r\n', '1\r\na\r\n0\r\n\r\n') + GET(), [{ head: { chunked: true } }, { body: 'a' }, 'end', { head: { method: 'GET' } }, 'end']],
  ['reports the error of a bad second request after the first one', GET() + 'BAD\r\n\r\n', [{ head: { method: 'GET' } }, 'end', { error: 400 }]]
];

describe('RequestParser', function () {
  describe('table of requests (whole input in one chunk)', function () {
    for (const [title, raw, expected, options] of ROWS) {
      it(title, function () {
        assertEvents(raw, expected, options);
      });
    }
  });

  describe('splitting the input', function () {
    it('gives the same events for every row when fed one byte at a time', function () {
      for (const [title, raw, expected, options] of ROWS) {
        const { events } = parse(raw.split(''), options);
        assert.deepStrictEqual(project(events, expected), expected, title);
      }
    });

    it('gives the same events for every row at every single split point', function () {
      for (const [title, raw, expected, options] of ROWS) {
        const whole = parse(raw, options).events;
        for (let i = 1; i < raw.length; i++) {
          const { events } = parse([raw.substring(0, i), raw.substring(i)], options);
          assert.deepStrictEqual(events, whole, title + ' split at ' + i);
        }
      }
    });

    it('gives the same events whatever the random split points (property)', function () {
      const rowIndex = fc.integer({ min: 0, max: ROWS.length - 1 });
      fc.assert(fc.property(rowIndex, fc.array(fc.nat(), { maxLength: 12 }), (index, cuts) => {
        const [, raw, , options] = ROWS[index];
        const points = cuts.map((c) => c % (raw.length + 1)).sort((a, b) => a - b);
        const chunks = [];
        let previous = 0;
        for (const p of points) {
          chunks.push(raw.substring(previous, p));
          previous = p;
        }
        chunks.push(raw.substring(previous));
        assert.deepStrictEqual(parse(chunks, options).events, parse(raw, options).events);
      }), { numRuns: 500 });
    });

    it('gives the same events for generated requests split at random points (property)', function () {
      const token = fc.string({ unit: fc.constantFrom(...'abcXYZ-_09!'.split('')), minLength: 1, maxLength: 8 });
      const value = fc.string({ unit: fc.constantFrom(...'ab c\t\xa0;=,'.split('')), maxLength: 12 });
      const body = fc.string({ unit: 'binary-ascii', maxLength: 60 });
      const request = fc.record({
        method: token,
        path: fc.string({ unit: fc.constantFrom(...'/a%2?=&+'.split('')), maxLength: 10 }),
        fields: fc.array(fc.tuple(token, value), { maxLength: 5 }),
        body: body,
        chunked: fc.boolean(),
        chunkSize: fc.integer({ min: 1, max: 20 }),
        bareLf: fc.boolean()
      });
      fc.assert(fc.property(request, fc.array(fc.nat(), { maxLength: 10 }), (r, cuts) => {
        const eol = r.bareLf ? '\n' : '\r\n';
        let raw = r.method + ' /' + r.path + ' HTTP/1.1' + eol + 'Host: h' + eol;
        for (const [name, v] of r.fields) raw += 'X-' + name + ': ' + v + eol;
        if (r.chunked) {
          raw += 'Transfer-Encoding: chunked' + eol + eol;
          for (let i = 0; i < r.body.length; i += r.chunkSize) {
            const piece = r.body.substring(i, i + r.chunkSize);
            raw += piece.length.toString(16) + eol + piece + eol;
          }
          raw += '0' + eol + eol;
        } else {
          raw += 'Content-Length: ' + r.body.length + eol + eol + r.body;
        }
        const whole = parse(raw).events;
        assert.strictEqual(whole[whole.length - 1], 'end');
        assert.strictEqual(r.body.length === 0 ? undefined : whole[1].body, r.body.length === 0 ? undefined : r.body);
        const points = cuts.map((c) => c % (raw.length + 1)).sort((a, b) => a - b);
        const chunks = [];
        let previous = 0;
        for (const p of points) {
          chunks.push(raw.substring(previous, p));
          previous = p;
        }
        chunks.push(raw.substring(previous));
        assert.deepStrictEqual(parse(chunks).events, whole);
      }), { numRuns: 300 });
    });
  });

  describe('junk input', function () {
    it('never throws on arbitrary bytes: it reports at most one error and nothing after it (property)', function () {
      const junk = fc.oneof(
        fc.string({ unit: 'binary-ascii', maxLength: 300 }),
        fc.array(fc.constantFrom('GET / HTTP/1.1', 'Host: h', 'Content-Length: 3', 'Transfer-Encoding: chunked',
          '\r\n', '\n', '\r', ' ', ':', '0', 'a', '5\r\nabc', '\xff', 'HTTP/2.0'), { maxLength: 40 }).map((a) => a.join(''))
      );
      fc.assert(fc.property(junk, fc.array(fc.integer({ min: 1, max: 20 }), { maxLength: 30 }), (input, sizes) => {
        const chunks = [];
        let at = 0;
        for (const size of sizes) {
          chunks.push(input.substring(at, at + size));
          at += size;
        }
        chunks.push(input.substring(at));
        const { events, parser } = parse(chunks);
        const errors = events.filter((e) => e.error !== undefined);
        assert.ok(errors.length <= 1);
        if (errors.length === 1) {
          assert.strictEqual(events[events.length - 1], errors[0]);
          assert.strictEqual(parser.parseState, 'failed');
        }
        for (const e of errors) assert.ok([400, 413, 414, 417, 431, 501, 505].indexOf(e.error) >= 0);
      }), { numRuns: 1000 });
    });
  });

  describe('on Espruino\'s String.indexOf (emulated)', function () {
    it('the emulation reproduces the quirk it stands for', function () {
      withEspruinoIndexOf(() => {
        assert.strictEqual(',a,'.indexOf(',b,'), 2);
        assert.strictEqual(',closed,'.indexOf(',close,'), 7);
        assert.strictEqual('abc'.indexOf('b'), 1);
        assert.strictEqual('abc'.indexOf('abcd'), -1);
      });
      assert.strictEqual(',a,'.indexOf(',b,'), -1);
    });

    it('gives the same events for every row, whole and byte by byte', function () {
      for (const [title, raw, expected, options] of ROWS) {
        const whole = withEspruinoIndexOf(() => parse(raw, options).events);
        assert.deepStrictEqual(project(whole, expected), expected, title);
        const bytes = withEspruinoIndexOf(() => parse(raw.split(''), options).events);
        assert.deepStrictEqual(project(bytes, expected), expected, title + ' (byte by byte)');
      }
    });
  });

  describe('body streaming', function () {
    it('emits body bytes as they arrive, before the request ends', function () {
      const seen = [];
      const parser = new RequestParser(LIMITS, {
        onHead: () => seen.push('head'),
        onBody: (data) => seen.push('body:' + data),
        onEnd: () => seen.push('end'),
        onError: (status) => seen.push('error:' + status)
      });
      parser.feed(POST('Content-Length: 6\r\n', 'ab'));
      assert.deepStrictEqual(seen, ['head', 'body:ab']);
      assert.strictEqual(parser.parseState, 'body');
      assert.strictEqual(parser.pendingBytes, 0);
      parser.feed('cd');
      parser.feed('ef');
      assert.deepStrictEqual(seen, ['head', 'body:ab', 'body:cd', 'body:ef', 'end']);
    });

    it('emits chunk data as it arrives, before the chunk is complete', function () {
      const seen = [];
      const parser = new RequestParser(LIMITS, {
        onHead: () => seen.push('head'),
        onBody: (data) => seen.push('body:' + data),
        onEnd: () => seen.push('end'),
        onError: (status) => seen.push('error:' + status)
      });
      parser.feed(POST('Transfer-Encoding: chunked\r\n', 'a\r\nabc'));
      assert.deepStrictEqual(seen, ['head', 'body:abc']);
      assert.strictEqual(parser.parseState, 'chunk-data');
      parser.feed('defghij');
      assert.strictEqual(parser.parseState, 'chunk-data-end');
      parser.feed('\r\n0\r\n');
      assert.strictEqual(parser.parseState, 'trailers');
      parser.feed('\r\n');
      assert.deepStrictEqual(seen, ['head', 'body:abc', 'body:defghij', 'end']);
      assert.strictEqual(parser.parseState, 'done');
    });
  });

  describe('pipelining and next()', function () {
    it('buffers a pipelined request after onEnd until next() is called', function () {
      const second = 'GET /second HTTP/1.1\r\nHost: h\r\n\r\n';
      const { events, parser } = parse(GET() + second, { autoNext: false });
      assert.deepStrictEqual(project(events, [{ head: { path: '/' } }, 'end']), [{ head: { path: '/' } }, 'end']);
      assert.strictEqual(parser.parseState, 'done');
      assert.strictEqual(parser.pendingBytes, second.length);
      parser.feed('GET /third HTTP/1.1\r\nHost: h\r\n\r\n');
      assert.strictEqual(events.length, 2, 'input fed while paused is only buffered');
      parser.next();
      assert.strictEqual(events[2].head.path, '/second');
      assert.strictEqual(events[3], 'end');
      assert.strictEqual(events.length, 4, 'next() releases one request at a time');
      parser.next();
      assert.strictEqual(events[4].head.path, '/third');
      assert.strictEqual(parser.pendingBytes, 0);
      parser.next();
      assert.strictEqual(parser.parseState, 'idle');
    });

    it('ignores next() before onEnd', function () {
      const { events, parser } = parse(POST('Content-Length: 4\r\n', 'ab'), { autoNext: false });
      parser.next();
      assert.strictEqual(parser.parseState, 'body');
      parser.feed('cd');
      assert.deepStrictEqual(events.slice(1), [{ body: 'abcd' }, 'end']);
    });

    it('reports a fresh headers object for each request', function () {
      const { events } = parse(GET('X: 1\r\n') + GET('Y: 2\r\n'));
      assert.deepStrictEqual(events[0].head.headers, { host: 'h', x: '1' });
      assert.deepStrictEqual(events[2].head.headers, { host: 'h', y: '2' });
    });
  });

  describe('discardBody (set after onHead)', function () {
    it('discards a Content-Length body and still ends, then parses the next request', function () {
      assertEvents(POST('Content-Length: 5\r\n', 'hello') + GET(),
        [{ head: { contentLength: 5 } }, 'end', { head: { method: 'GET' } }, 'end'], { discardBody: true });
    });

    it('discards a chunked body and still ends', function () {
      assertEvents(POST('Transfer-Encoding: chunked\r\n', '3\r\nabc\r\n0\r\n\r\n') + GET(),
        [{ head: { chunked: true } }, 'end', { head: { method: 'GET' } }, 'end'], { discardBody: true });
    });

    it('stops onBody calls when called after part of the body was delivered', function () {
      const { events, parser } = parse(POST('Content-Length: 6\r\n', 'abc'));
      parser.discardBody = true;
      parser.feed('def');
      assert.deepStrictEqual(events.slice(1), [{ body: 'abc' }, 'end']);
    });

    it('applies to one request only', function () {
      let parser;
      const bodies = [];
      let heads = 0;
      parser = new RequestParser(LIMITS, {
        onHead: () => { if (heads++ === 0) parser.discardBody = true; },
        onBody: (data) => bodies.push(data),
        onEnd: () => parser.next(),
        onError: (status) => assert.fail('unexpected error ' + status)
      });
      parser.feed(POST('Content-Length: 3\r\n', 'one') + POST('Content-Length: 3\r\n', 'two'));
      assert.deepStrictEqual(bodies, ['two']);
    });
  });

  describe('skipBody (called from onHead)', function () {
    it('ends the request at once and parses nothing after it: the unread body is no request', function () {
      // The chunk data is a request of its own: read as one, it would be smuggled in.
      const smuggled = 'GET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n';
      const raw = POST('Transfer-Encoding: chunked\r\n', smuggled.length.toString(16) + '\r\n' + smuggled + '\r\n0\r\n\r\n') + GET();
      for (const chunks of [[raw], raw.split('')]) {
        const { events, parser } = parse(chunks, { skipBody: true });
        assert.deepStrictEqual(project(events, [{ head: { chunked: true } }, 'end']), [{ head: { chunked: true } }, 'end']);
        assert.strictEqual(parser.parseState, 'stopped');
        assert.strictEqual(parser.pendingBytes, 0);
        parser.next();
        parser.feed(GET());
        assert.strictEqual(events.length, 2);
        assert.strictEqual(parser.pendingBytes, 0);
      }
    });

    it('does not report the body that came with the head', function () {
      const { events } = parse(POST('Content-Length: 5\r\n', 'hello'), { skipBody: true });
      assert.deepStrictEqual(project(events, [{ head: { contentLength: 5 } }, 'end']), [{ head: { contentLength: 5 } }, 'end']);
    });
  });

  describe('removeDotSegments', function () {
    it('follows RFC 3986 §5.2.4 on absolute paths', function () {
      const rows = [
        ['/a/b/c/./../../g', '/a/g'], ['/', '/'], ['/.', '/'], ['/..', '/'], ['/a/.', '/a/'], ['/a/..', '/'],
        ['/a//../b', '/a/b'], ['//a', '//a'], ['/a/b/', '/a/b/'], ['/a/%2E%2e/b', '/b'], ['/a/.%2E', '/'],
        ['/.../a', '/.../a'], ['/%2e%2e%2e', '/%2e%2e%2e'], ['/..a/b.', '/..a/b.'], ['/%20/%2f', '/%20/%2f']
      ];
      for (const [input, expected] of rows) assert.strictEqual(removeDotSegments(input), expected, input);
    });

    it('leaves no dot segment, and changes nothing the second time (property)', function () {
      const path = fc.array(fc.constantFrom('/', '.', 'a', '%2e', '%2E', '%2f'), { maxLength: 16 }).map((a) => '/' + a.join(''));
      fc.assert(fc.property(path, (p) => {
        const out = removeDotSegments(p);
        assert.strictEqual(out.charAt(0), '/');
        for (const segment of out.split('/')) {
          const dots = segment.toLowerCase().split('%2e').join('.');
          assert.ok(dots !== '.' && dots !== '..', p + ' -> ' + out);
        }
        assert.strictEqual(removeDotSegments(out), out);
      }), { numRuns: 1000 });
    });
  });

  describe('after an error', function () {
    it('ignores all further input and drops what it buffered', function () {
      const { events, parser } = parse('GET / HTTP/2.0\r\nHost: h\r\n\r\n');
      assert.deepStrictEqual(events, [{ error: 505 }]);
      assert.strictEqual(parser.parseState, 'failed');
      assert.strictEqual(parser.pendingBytes, 0);
      parser.feed(GET());
      parser.next();
      assert.deepStrictEqual(events, [{ error: 505 }]);
      assert.strictEqual(parser.pendingBytes, 0);
    });

    it('stops a header section that never ends without buffering it', function () {
      const { events, parser } = parse(['GET / HTTP/1.1\r\nHost: h\r\n', 'X: 1\r\n'.repeat(5)],
        { limits: Object.assign({}, LIMITS, { maxHeaderCount: 1000 }) });
      assert.deepStrictEqual(events, []);
      assert.strictEqual(parser.parseState, 'head');
      for (let i = 0; i < 100 && parser.parseState !== 'failed'; i++) parser.feed('X: 1\r\n');
      assert.deepStrictEqual(events, [{ error: 431 }]);
    });
  });

  describe('states', function () {
    it('names its state at each stage of a request', function () {
      const { parser } = parse([], { autoNext: false });
      assert.strictEqual(parser.parseState, 'idle');
      parser.feed('\r\n');
      assert.strictEqual(parser.parseState, 'idle');
      parser.feed('POST / HTTP/1.1\r\n');
      assert.strictEqual(parser.parseState, 'head');
      parser.feed('Host: h\r\nContent-Length: 1\r\n\r\n');
      assert.strictEqual(parser.parseState, 'body');
      parser.feed('x');
      assert.strictEqual(parser.parseState, 'done');
      parser.next();
      assert.strictEqual(parser.parseState, 'idle');
      parser.feed('\x01\r\n');
      assert.strictEqual(parser.parseState, 'failed');
    });

    it('counts a partial line in pendingBytes', function () {
      const { parser } = parse(['GET / HT'], { autoNext: false });
      assert.strictEqual(parser.pendingBytes, 8);
    });
  });
});
