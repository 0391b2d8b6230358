// The HTTP/1.1 request parser (RFC 9112): a state machine fed binary strings, split anywhere, that
// knows nothing about sockets. It reports each request as a head, body pieces and an end, then
// pauses until the server has answered (next()), which is what keeps pipelined responses in order.
// Every limit fails early, while bytes arrive, so a client cannot make the board buffer more than
// the limits allow.

import { findString } from '../../core/text/strings';
import { hexValue } from '../../core/http/url';

/** Limits, each enforced as bytes arrive. The server derives them from its configuration
 *  (parserLimits in HttpSession.ts: BufferSlotSize, twice that, 100, MaxRequestContentLength). */
export interface RequestParserLimits {
  /** Bytes of the request line, line ending excluded; longer -> 414. Also bounds a chunk-size line (-> 400). */
  maxRequestLineLength: number;
  /** Bytes of all header field lines together, line endings excluded; more -> 431. Also bounds the chunked trailer section. */
  maxHeaderBytes: number;
  /** Header field lines; more -> 431. */
  maxHeaderCount: number;
  /** Body bytes; a larger Content-Length -> 413 before any body byte, a chunked body -> 413 when a chunk would cross it. */
  maxContentLength: number;
}

/**
 * A request's method, target and header section. Fields that usually keep their default (no query,
 * no body, not chunked...) live on the prototype and are only set on a head that differs: on a board
 * each own field costs variables for as long as the request (or a WebSocket made from it) lives.
 */
export class RequestHead {
  /** Raw query after the first '?', without the '?' ('' if none). */
  query!: string;
  /** Lower-cased names; repeated fields joined with ', ' (Cookie with '; '). A field named
   *  `__proto__` is dropped. Read with an own-property check: on Espruino every object inherits
   *  lower-case members such as `on` and `emit`. */
  headers: { [lowerCaseName: string]: string };
  /** Body length: 0 when there is no body, -1 when chunked. @internal */
  contentLength!: number;
  /** @internal */
  chunked!: boolean;
  /** `Expect: 100-continue` in an HTTP/1.1 request (HTTP/1.0 ones are ignored, RFC 9110 §10.1.1). @internal */
  expectContinue!: boolean;
  /** RFC 9112 §9.3: HTTP/1.1 persists unless Connection has `close`; HTTP/1.0 only with `keep-alive`. @internal */
  keepAlive!: boolean;
  /** Connection has the `upgrade` token and an Upgrade field is present. */
  upgrade!: boolean;

  /** Case-sensitive token as sent (RFC 9110 §9.1): 'get' stays 'get'. */
  method!: string;
  /** '1.0' or '1.1'; HTTP/1.x with x > 1 is reported as '1.1'. */
  version!: string;

  constructor(
    method: string,
    version: string,
    /** Still percent-encoded path, its dot segments removed (see removeDotSegments): the
     *  origin-form path, the path after the authority of an absolute-form target ('/' if empty), or
     *  '*' for the asterisk-form. */
    public path: string,
  ) {
    // GET and 1.1, by far the most common, come from the prototype.
    if (method !== 'GET') this.method = method;
    if (version !== '1.1') this.version = version;
    this.headers = {};
  }
}

var headDefaults: any = RequestHead.prototype;
headDefaults.method = 'GET';
headDefaults.version = '1.1';
headDefaults.query = '';
// What a head reads once its own fields are released (a WebSocket's request): never written to,
// since the parser gives every head its own object.
headDefaults.headers = {};
headDefaults.contentLength = 0;
headDefaults.chunked = false;
headDefaults.expectContinue = false;
headDefaults.keepAlive = false;
headDefaults.upgrade = false;

export interface RequestParserEvents {
  /** The header section is complete and valid. */
  onHead(head: RequestHead): void;
  /** Decoded body bytes (binary string), in as many calls as the input was split into. */
  onBody(data: string): void;
  /** The request is complete; the parser buffers further input until next(). */
  onEnd(): void;
  /** Fatal for the connection: the parser ignores all later input. `status` is the answer to send. */
  onError(status: number, message: string): void;
}

/**
 * 'idle': waiting for (or receiving) a request line; leading empty lines are skipped.
 * 'head': receiving header field lines.
 * 'body': receiving a Content-Length body.
 * 'chunk-size': receiving a chunk-size line (with its ignored extensions).
 * 'chunk-data': receiving the data of a chunk.
 * 'chunk-data-end': expecting the line ending that closes a chunk's data.
 * 'trailers': receiving (and discarding) trailer field lines after the last chunk.
 * 'done': onEnd was called; input is buffered until next().
 * 'failed': onError was called; input is ignored for good.
 * 'stopped': skipBody() ended the request without its body; input is ignored for good.
 */
export type RequestParserState =
  'idle' | 'head' | 'body' | 'chunk-size' | 'chunk-data' | 'chunk-data-end' | 'trailers' | 'done' | 'failed' | 'stopped';

var CR = 13;
var LF = 10;
var SP = 32;
var HTAB = 9;
// Beyond 15 digits a length loses integer precision; no embedded server takes such a body anyway.
var MAX_CONTENT_LENGTH_DIGITS = 15;
var MAX_CHUNK_SIZE_DIGITS = 8;
// Per-character loops cost tens of microseconds a character in Espruino's interpreter; a RegExp made
// of one anchored character class runs natively and cannot backtrack.
/** RFC 9110 §5.6.2: token = 1*tchar. */
var TOKEN = /^[-!#$%&'*+.^_`|~0-9A-Za-z]+$/;
/** A request-target has no spaces, controls or raw non-ASCII bytes: 0x21-0x7E only. */
var VISIBLE_ASCII = /^[!-~]+$/;
/** The controls a field line may not hold (RFC 9110 §5.5): all but HTAB (CR and LF never reach it). */
var CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;

export class RequestParser {
  // Fields are defaulted on the prototype (end of file): a parser owns only the ones its request
  // moved away from their start value (on a board, each own field costs variables per request).
  private sizeLimits: RequestParserLimits;
  private eventSink: RequestParserEvents;
  /** The named state, see RequestParserState. @internal */
  parseState!: RequestParserState;
  private inputText!: string;
  /** Start of the unconsumed input in `inputText`; the consumed part is dropped once per feed. */
  private pos!: number;
  /** Guards against re-entry when a callback feeds or calls next(): the running loop carries on. */
  private running!: boolean;
  private head!: RequestHead | null;
  /** Field lines and their bytes so far in the header or trailer section. */
  private sectionLines!: number;
  private sectionBytes!: number;
  private hostFields!: number;
  /** Body bytes still expected in the body or the current chunk. */
  private remaining!: number;
  private chunkedTotal!: number;
  /** Set after onHead: the body is read and thrown away (no onBody), still ending with onEnd. @internal */
  discardBody!: boolean;
  /** The request line ended with a bare LF: so must every line of the request (RFC 9112 §2.2 lets a
   *  server accept LF-only requests; a mix is refused, as a sign of requests smuggled between
   *  parsers that disagree on line endings). */
  private lfOnly!: boolean;

  constructor(limits: RequestParserLimits, events: RequestParserEvents) {
    this.sizeLimits = limits;
    this.eventSink = events;
  }

  /** Input buffered but not yet consumed, so the server can bound what a paused parser holds. @internal */
  get pendingBytes(): number {
    return this.inputText.length - this.pos;
  }

  /** Takes a binary string, split at any byte, and processes as far as allowed. */
  feed(chunk: string): void {
    var state = this.parseState;
    if (state === 'failed' || state === 'stopped' || chunk.length === 0) return;
    this.inputText += chunk;
    this.run();
  }

  /** After onEnd, once the response is done: starts the next request with the buffered input.
   *  Has no effect in any other state. */
  next(): void {
    if (this.parseState !== 'done') return;
    this.parseState = 'idle';
    delete (this as any).head;
    this.run();
  }

  /**
   * Called from onHead instead of reading the body: the request ends at once (onEnd right after
   * onHead). The body's bytes stay unread, so nothing after them can be parsed: from then on the
   * parser ignores all input, and the connection must close after the response. For a body the
   * server would only throw away and cannot skip safely or soon: a chunked one, or one the client
   * sends only after `100 Continue`.
   */
  skipBody(): void {
    this.parseState = 'stopped';
    var self: any = this;
    delete self.inputText;
    delete self.pos;
  }

  private run(): void {
    if (this.running) return;
    this.running = true;
    try {
      // One unit of work per turn, each consuming input or changing state; the state dispatch is
      // inline (not a step() method) to keep the call depth low, see the note at failParser.
      var progressed = true;
      while (progressed) {
        switch (this.parseState) {
          case 'idle': progressed = this.readRequestLine(); break;
          case 'head': progressed = this.readFieldLine(); break;
          case 'body': progressed = this.readBody(); break;
          case 'chunk-size': progressed = this.readChunkSize(); break;
          case 'chunk-data': progressed = this.readChunkData(); break;
          case 'chunk-data-end': progressed = this.readChunkDataEnd(); break;
          case 'trailers': progressed = this.readTrailerLine(); break;
          default: progressed = false;
        }
      }
    } finally {
      delete (this as any).running;
      if (this.pos > 0) {
        this.inputText = this.inputText.substring(this.pos);
        delete (this as any).pos;
      }
    }
  }

  /**
   * Takes the next line without its CRLF or bare LF, or returns null when it is incomplete or
   * invalid (then the parser has failed). An incomplete line longer than `limit` fails at once,
   * so a client that never sends LF is stopped. Past the request line, every line must end as the
   * request line did (see lfOnly); lines before it (empty ones) may end either way.
   */
  private readLine(limit: number, status: number, message: string): string | null {
    var buffer = this.inputText;
    var newline = buffer.indexOf('\n', this.pos);
    if (newline < 0) {
      var partial = buffer.length - this.pos;
      // A trailing CR may be the start of the line ending: it is not counted yet.
      if (partial > 0 && buffer.charCodeAt(buffer.length - 1) === CR) partial--;
      if (partial > limit) failParser(this, status, message);
      return null;
    }
    var end = newline;
    var crlf = end > this.pos && buffer.charCodeAt(end - 1) === CR;
    if (crlf) end--;
    if (end - this.pos > limit) {
      failParser(this, status, message);
      return null;
    }
    var line = buffer.substring(this.pos, end);
    this.pos = newline + 1;
    if (line.indexOf('\r') >= 0) {
      failParser(this, 400, 'bare CR in a line');
      return null;
    }
    if (crlf === this.lfOnly && this.parseState !== 'idle') {
      failParser(this, 400, 'CRLF and bare LF line endings mixed');
      return null;
    }
    return line;
  }

  private readRequestLine(): boolean {
    var line = this.readLine(this.sizeLimits.maxRequestLineLength, 414, 'request line too long');
    if (line === null) return false;
    if (line.length === 0) return true; // RFC 9112 §2.2: empty lines before a request are ignored
    var head = this.parseRequestLine(line);
    if (head === null) return false;
    this.head = head;
    var self: any = this;
    delete self.sectionLines;
    delete self.sectionBytes;
    delete self.hostFields;
    // readLine just took the line: the byte before its LF is CR for a CRLF (a line holds no CR).
    if (this.inputText.charCodeAt(this.pos - 2) === CR) delete self.lfOnly;
    else this.lfOnly = true;
    this.discardBody = false;
    this.parseState = 'head';
    return true;
  }

  /** Parses `method SP request-target SP HTTP-version` (RFC 9112 §3) into a fresh head. */
  private parseRequestLine(line: string): RequestHead | null {
    var firstSpace = line.indexOf(' ');
    var secondSpace = firstSpace < 0 ? -1 : line.indexOf(' ', firstSpace + 1);
    if (secondSpace < 0 || line.indexOf(' ', secondSpace + 1) >= 0) {
      return rejectLine(this, 400, 'malformed request line');
    }
    var method = line.substring(0, firstSpace);
    var target = line.substring(firstSpace + 1, secondSpace);
    var versionText = line.substring(secondSpace + 1);
    var version = parseVersion(versionText);
    if (version === '') return rejectLine(this, 400, 'malformed HTTP version');
    if (version === 'unsupported') return rejectLine(this, 505, 'HTTP version not supported');
    if (!TOKEN.test(method)) return rejectLine(this, 400, 'invalid method');
    if (!VISIBLE_ASCII.test(target)) return rejectLine(this, 400, 'invalid request-target');

    var pathAndQuery: string;
    if (target.charAt(0) === '/') {
      pathAndQuery = target;
    } else if (target === '*') {
      if (method !== 'OPTIONS') return rejectLine(this, 400, 'asterisk-form target outside OPTIONS');
      pathAndQuery = '*';
    } else {
      // Only http(s) absolute-form is served; authority-form (CONNECT) has no meaning for this server.
      var afterAuthority = absoluteFormPath(target);
      if (afterAuthority === null) return rejectLine(this, 400, 'unsupported request-target');
      pathAndQuery = afterAuthority;
    }
    var question = pathAndQuery.indexOf('?');
    var path = question < 0 ? pathAndQuery : pathAndQuery.substring(0, question);
    var head = new RequestHead(method, version, path === '*' ? path : removeDotSegments(path));
    if (question >= 0 && question < pathAndQuery.length - 1) head.query = pathAndQuery.substring(question + 1);
    return head;
  }

  private readFieldLine(): boolean {
    var line = this.readLine(this.sizeLimits.maxHeaderBytes - this.sectionBytes, 431, 'header section too large');
    if (line === null) return false;
    if (line.length === 0) return this.endHeaderSection();
    this.sectionBytes += line.length;
    this.sectionLines++;
    if (this.sectionLines > this.sizeLimits.maxHeaderCount) return failParser(this, 431, 'too many header fields');
    var colon = checkFieldLine(line);
    if (colon < 0) return failParser(this, 400, fieldLineProblem(colon));
    var name = line.substring(0, colon).toLowerCase();
    if (name === '__proto__') return true;
    if (name === 'host') this.hostFields++;
    var value = trimSpaces(line, colon + 1);
    var headers = (this.head as RequestHead).headers;
    if (headers.hasOwnProperty(name)) {
      headers[name] += (name === 'cookie' ? '; ' : ', ') + value;
    } else {
      headers[name] = value;
    }
    return true;
  }

  /** Applies the header rules of RFC 9112 §3.2, §6 and RFC 9110 §10.1.1, then reports the head. */
  private endHeaderSection(): boolean {
    var head = this.head as RequestHead;
    var headers = head.headers;
    var http11 = head.version === '1.1';
    if (this.hostFields > 1) return failParser(this, 400, 'more than one Host field');
    if (http11 && this.hostFields === 0) return failParser(this, 400, 'HTTP/1.1 request without Host');

    var transferEncoding = ownField(headers, 'transfer-encoding');
    var contentLength = ownField(headers, 'content-length');
    if (transferEncoding !== null) {
      if (!http11) return failParser(this, 400, 'Transfer-Encoding in an HTTP/1.0 request');
      if (contentLength !== null) return failParser(this, 400, 'both Transfer-Encoding and Content-Length');
      var codings = lowerCaseTokens(transferEncoding);
      if (codings === '') return failParser(this, 400, 'empty Transfer-Encoding');
      if (codings !== ',chunked,') return failParser(this, 501, 'unsupported transfer coding');
      head.chunked = true;
      head.contentLength = -1;
    } else if (contentLength !== null) {
      var length = parseContentLength(contentLength);
      if (length < 0) return failParser(this, 400, 'invalid Content-Length');
      head.contentLength = length;
    }

    var expect = ownField(headers, 'expect');
    if (expect !== null) {
      if (trimSpaces(expect, 0).toLowerCase() !== '100-continue') return failParser(this, 417, 'unsupported expectation');
      head.expectContinue = http11;
    }
    if (head.contentLength > this.sizeLimits.maxContentLength) return failParser(this, 413, 'body larger than allowed');

    var connection = lowerCaseTokens(ownField(headers, 'connection') || '');
    var close = hasToken(connection, 'close');
    head.keepAlive = http11 ? !close : !close && hasToken(connection, 'keep-alive');
    head.upgrade = hasToken(connection, 'upgrade') && ownField(headers, 'upgrade') !== null;

    var self: any = this;
    delete self.sectionLines;
    delete self.sectionBytes;
    delete self.chunkedTotal;
    if (head.contentLength > 0) this.remaining = head.contentLength;
    else delete self.remaining;
    this.parseState = head.chunked ? 'chunk-size' : 'body';
    this.eventSink.onHead(head);
    // onHead may have called skipBody().
    if ((this.parseState as RequestParserState) === 'stopped') {
      delete self.head;
      this.eventSink.onEnd();
      return false;
    }
    return head.contentLength === 0 ? endRequest(this) : true;
  }

  /** Hands over what is available of the `remaining` body bytes; true once they all came. */
  private passBodyBytes(): boolean {
    var available = this.inputText.length - this.pos;
    var count = available < this.remaining ? available : this.remaining;
    if (count === 0) return false;
    var data = this.inputText.substring(this.pos, this.pos + count);
    this.pos += count;
    this.remaining -= count;
    if (!this.discardBody) this.eventSink.onBody(data);
    return this.remaining === 0;
  }

  private readBody(): boolean {
    if (!this.passBodyBytes()) return false;
    return endRequest(this);
  }

  private readChunkSize(): boolean {
    var line = this.readLine(this.sizeLimits.maxRequestLineLength, 400, 'chunk-size line too long');
    if (line === null) return false;
    var size = parseChunkSize(line);
    if (size < 0) return failParser(this, 400, 'invalid chunk size');
    if (size === 0) {
      this.parseState = 'trailers';
      return true;
    }
    this.chunkedTotal += size;
    if (this.chunkedTotal > this.sizeLimits.maxContentLength) return failParser(this, 413, 'body larger than allowed');
    this.remaining = size;
    this.parseState = 'chunk-data';
    return true;
  }

  private readChunkData(): boolean {
    if (!this.passBodyBytes()) return false;
    this.parseState = 'chunk-data-end';
    return true;
  }

  /** The line ending after a chunk's data: CRLF, or LF in an LF-only request (see lfOnly). */
  private readChunkDataEnd(): boolean {
    var buffer = this.inputText;
    var available = buffer.length - this.pos;
    if (available === 0) return false;
    var first = buffer.charCodeAt(this.pos);
    if (this.lfOnly) {
      if (first !== LF) return failParser(this, 400, 'chunk data not followed by LF');
      this.pos += 1;
    } else {
      if (first !== CR || (available > 1 && buffer.charCodeAt(this.pos + 1) !== LF)) {
        return failParser(this, 400, 'chunk data not followed by CRLF');
      }
      if (available < 2) return false;
      this.pos += 2;
    }
    this.parseState = 'chunk-size';
    return true;
  }

  /** Trailer fields are checked like header fields (a malformed one means a desynchronised
   *  stream) and then dropped: nothing downstream uses them. */
  private readTrailerLine(): boolean {
    var line = this.readLine(this.sizeLimits.maxHeaderBytes - this.sectionBytes, 431, 'trailer section too large');
    if (line === null) return false;
    if (line.length === 0) return endRequest(this);
    this.sectionBytes += line.length;
    this.sectionLines++;
    var colon = checkFieldLine(line);
    if (colon < 0) return failParser(this, 400, fieldLineProblem(colon));
    return true;
  }
}

/** '1.0', '1.1' (any HTTP/1.x above 1.0), 'unsupported' (another major version) or '' (malformed). */
function parseVersion(text: string): string {
  if (text.length !== 8 || text.substring(0, 5) !== 'HTTP/' || text.charAt(6) !== '.') return '';
  if (!isDigits(text.charAt(5) + text.charAt(7))) return '';
  if (text.charAt(5) !== '1') return 'unsupported';
  return text.charAt(7) === '0' ? '1.0' : '1.1';
}

/** For `http://authority/path?query` (scheme in any case): the path and query, '/' when the path
 *  is empty; null for anything else, including an empty host (RFC 9110 §4.2.1). Userinfo before
 *  an '@' is ignored, as the server ignores the authority (RFC 9112 §3.2.2). */
function absoluteFormPath(target: string): string | null {
  var scheme = target.substring(0, 8).toLowerCase();
  var authorityStart = scheme.substring(0, 7) === 'http://' ? 7 : scheme === 'https://' ? 8 : -1;
  if (authorityStart < 0) return null;
  var hostStart = authorityStart;
  var authorityEnd = authorityStart;
  while (authorityEnd < target.length) {
    var c = target.charAt(authorityEnd);
    if (c === '/' || c === '?') break;
    if (c === '@') {
      // userinfo cannot hold '@' (RFC 3986 §3.2.1): a second one makes the host ambiguous.
      if (hostStart !== authorityStart) return null;
      hostStart = authorityEnd + 1;
    }
    authorityEnd++;
  }
  if (authorityEnd === hostStart) return null;
  var rest = target.substring(authorityEnd);
  return rest.charAt(0) === '/' ? rest : '/' + rest;
}

/**
 * RFC 3986 §5.2.4 remove_dot_segments on a raw path that starts with '/', before any decoding:
 * `.` segments go, `..` takes the segment before it away, never above the root. A dot written
 * `%2E` counts as a dot (the same URI, §6.2.2.2). `%2F` is not a separator here: `/..%2F` is an
 * ordinary segment, and the file lookup refuses what it decodes to.
 *
 *     removeDotSegments('/a/./b/../%2e%2E/c') === '/c'
 *     removeDotSegments('/../x') === '/x'
 *     removeDotSegments('/a/b/..') === '/a/'
 */
export function removeDotSegments(path: string): string {
  // Every dot segment starts with '/.' or '/%2': most paths have neither and are kept as they are.
  if (path.indexOf('/.') < 0 && path.indexOf('/%2') < 0) return path;
  var segments = path.split('/');
  var kept: string[] = [];
  var dots = '';
  for (var i = 1; i < segments.length; i++) {
    var segment = segments[i];
    // '.' or '..' once %2E is read as a dot ('%2e%2e' is the longest way to write '..').
    dots = segment.length < 3 || segment.length > 6 ? segment : segment.toLowerCase().split('%2e').join('.');
    if (dots === '..') kept.pop();
    else if (dots !== '.') kept.push(segment);
  }
  // A path that ended in a dot segment names a directory: '/a/b/..' is '/a/'.
  return '/' + kept.join('/') + ((dots === '.' || dots === '..') && kept.length > 0 ? '/' : '');
}

/**
 * The position of the colon of a valid `name: value` field line (RFC 9112 §5), or a negative
 * code for fieldLineProblem. Checked: no obs-fold, a token name with no space before the colon,
 * no control but HTAB in the value (RFC 9110 §5.5; a bare CR was already refused by readLine).
 */
function checkFieldLine(line: string): number {
  var first = line.charCodeAt(0);
  if (first === SP || first === HTAB) return -1;
  var colon = line.indexOf(':');
  if (colon < 0) return -2;
  if (!TOKEN.test(line.substring(0, colon))) return -3;
  // The name is a token: a control can only be in the value.
  if (CONTROL.test(line)) return -4;
  return colon;
}

function fieldLineProblem(code: number): string {
  if (code === -1) return 'obsolete line folding';
  if (code === -2) return 'field line without colon';
  if (code === -3) return 'invalid field name';
  return 'control character in field value';
}

/** A field's value when the section had it, read as an own property (see RequestHead.headers).
 *  Calling headers.hasOwnProperty is safe: field names are lower-cased, so none can shadow it. */
function ownField(headers: { [name: string]: string }, name: string): string | null {
  return headers.hasOwnProperty(name) ? headers[name] : null;
}

/** `1*DIGIT`, or a list of identical ones (`5, 5`, RFC 9112 §6.3); -1 when invalid. */
function parseContentLength(value: string): number {
  var first = '';
  var start = 0;
  while (start <= value.length) {
    var comma = value.indexOf(',', start);
    if (comma < 0) comma = value.length;
    var item = trimSpaces(value.substring(start, comma), 0);
    if (item.length === 0 || item.length > MAX_CONTENT_LENGTH_DIGITS || !isDigits(item)) return -1;
    if (first === '') first = item;
    else if (item !== first) return -1;
    start = comma + 1;
  }
  return parseInt(first, 10);
}

/** The hex size of a chunk-size line, its extensions checked then ignored (RFC 9112 §7.1.1); -1
 *  when invalid. */
function parseChunkSize(line: string): number {
  var digits = 0;
  while (digits < line.length && hexValue(line.charCodeAt(digits)) >= 0) digits++;
  if (digits === 0 || digits > MAX_CHUNK_SIZE_DIGITS) return -1;
  if (digits < line.length && !validChunkExtensions(line, digits)) return -1;
  return parseInt(line.substring(0, digits), 16);
}

/**
 * Whether `line` from `at` is `*( BWS ";" BWS name [ BWS "=" BWS value ] )`, a name a token and a
 * value a token or a quoted-string (RFC 9112 §7.1.1): `2;` (no name) and `2 ` (a space with no
 * extension after it) are not. Only lines with extensions come here, rarely: loops are fine.
 */
function validChunkExtensions(line: string, at: number): boolean {
  if (CONTROL.test(line)) return false;
  var n = line.length;
  var i = at;
  while (i < n) {
    i = skipSpaces(line, i);
    if (line.charAt(i) !== ';') return false;
    var name = i = skipSpaces(line, i + 1);
    while (i < n && ' \t;="'.indexOf(line.charAt(i)) < 0) i++;
    if (!TOKEN.test(line.substring(name, i))) return false;
    var equals = skipSpaces(line, i);
    if (line.charAt(equals) !== '=') continue;
    var value = i = skipSpaces(line, equals + 1);
    if (line.charAt(value) === '"') {
      // A quoted-string: a backslash escapes the next byte (controls were refused above).
      i++;
      while (i < n && line.charAt(i) !== '"') i += line.charAt(i) === '\\' ? 2 : 1;
      if (i >= n) return false;
      i++;
    } else {
      while (i < n && ' \t;="'.indexOf(line.charAt(i)) < 0) i++;
      if (!TOKEN.test(line.substring(value, i))) return false;
    }
  }
  return true;
}

/**
 * A comma-separated list as ',token,token,': lower-cased, trimmed, empty items dropped, so that
 * hasToken finds a whole token and never a substring of another one. '' when empty.
 */
function lowerCaseTokens(value: string): string {
  var out = '';
  var start = 0;
  while (start <= value.length) {
    var comma = value.indexOf(',', start);
    if (comma < 0) comma = value.length;
    var item = trimSpaces(value.substring(start, comma), 0);
    if (item.length > 0) out += ',' + item.toLowerCase();
    start = comma + 1;
  }
  return out === '' ? '' : out + ',';
}

/** Whether a list made by lowerCaseTokens holds `token` (findString: Espruino's indexOf is unreliable). */
function hasToken(list: string, token: string): boolean {
  return findString(list, ',' + token + ',') >= 0;
}

/** Trims SP and HTAB only: String.trim would also eat bytes such as 0xA0 that belong to the value. */
function trimSpaces(text: string, from: number): string {
  var start = from;
  var end = text.length;
  var c: number;
  while (start < end && ((c = text.charCodeAt(start)) === SP || c === HTAB)) start++;
  while (end > start && ((c = text.charCodeAt(end - 1)) === SP || c === HTAB)) end--;
  return text.substring(start, end);
}

/** The position of the first byte from `at` that is neither SP nor HTAB (the length if none); for
 *  chunk extensions (trimSpaces keeps its own loop: it runs for every header line). */
function skipSpaces(text: string, at: number): number {
  var c: number;
  while (at < text.length && ((c = text.charCodeAt(at)) === SP || c === HTAB)) at++;
  return at;
}

function isDigits(text: string): boolean {
  for (var i = 0; i < text.length; i++) {
    var c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

var parserDefaults: any = RequestParser.prototype;
parserDefaults.parseState = 'idle';
parserDefaults.inputText = '';
parserDefaults.pos = 0;
parserDefaults.running = false;
parserDefaults.head = null;
parserDefaults.sectionLines = 0;
parserDefaults.sectionBytes = 0;
parserDefaults.hostFields = 0;
parserDefaults.remaining = 0;
parserDefaults.chunkedTotal = 0;
parserDefaults.discardBody = false;
parserDefaults.lfOnly = false;

// Failing and ending are plain functions taking the parser, not methods. Espruino 2v29 counts the
// locks on an object in 4 bits: a chain of about seven nested method calls on the same object
// saturates the count, and the object can then never be freed (espruino/Espruino#2616). Measured:
// a malformed request line, rejected seven calls deep, leaked the whole parser (32 variables) per
// request. Keeping calls shallow on `this` avoids it.

/** The parser stops for good and reports the status to answer with; returns false (no progress). */
function failParser(parser: any, status: number, message: string): false {
  parser.parseState = 'failed';
  parser.inputText = '';
  parser.pos = 0;
  delete parser.head;
  parser.eventSink.onError(status, message);
  return false;
}

/** failParser for parseRequestLine, which returns a head or null. */
function rejectLine(parser: any, status: number, message: string): null {
  failParser(parser, status, message);
  return null;
}

/** The request is complete: the parser pauses until next(). */
function endRequest(parser: any): true {
  parser.parseState = 'done';
  // The request has it now: a parser waiting for the response holds no head.
  delete parser.head;
  parser.eventSink.onEnd();
  return true;
}
