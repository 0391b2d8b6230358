// A received request, with the original's property names. Header-derived properties are computed
// on access from the parsed header object rather than stored, so an idle request costs only the
// head the parser already built.

import { RequestHead } from './RequestParser';
import { HttpResponse } from './HttpResponse';
import { parseQuery, percentDecode } from '../../core/http/url';
import { utf8Decode } from '../../core/text/utf8';
import { Connection } from '../../core/transport/Connection';
import type { ServerContext } from '../../core/ServerContext';

function listFromHeader(value: string | undefined, separator: string): string[] {
  if (!value) return [];
  var items = value.split(separator);
  var result: string[] = [];
  for (var i = 0; i < items.length; i++) {
    var item = items[i].trim();
    if (item) result.push(item);
  }
  return result;
}

export class HttpRequest {
  /** Raw content as a binary string (the original's memoryview); null when the request has none. */
  private content!: string | null;
  private queryParams!: { [key: string]: string } | null;
  /** null once the connection is no longer HTTP (after a WebSocket upgrade). */
  readonly Response: HttpResponse;

  constructor(
    /** The server this request came to. @internal */
    readonly server: ServerContext,
    readonly connection: Connection,
    readonly head: RequestHead,
    /** Percent-decoded path. */
    readonly Path: string,
  ) {
    this.Response = new HttpResponse(this);
  }

  /** `[ip, port]` of the client where the network driver reports it; `['', 0]` otherwise (Espruino Linux). */
  get UserAddress(): [string, number] {
    var socket = this.connection.socket;
    return [socket.remoteAddress || '', socket.remotePort || 0];
  }
  get IsSSL(): boolean { return this.server.IsSSLEnabled; }
  get HttpVer(): string { return this.head.version; }
  get Method(): string { return this.head.method; }
  get QueryString(): string { return this.head.query; }

  /** Query parameters: `+` is a space, repeated keys keep the last value (as the original). */
  get QueryParams(): { [key: string]: string } {
    if (this.queryParams === null) this.queryParams = parseQuery(this.head.query);
    return this.queryParams;
  }

  get Host(): string { return this.GetHeader('host'); }
  get Accept(): string[] { return listFromHeader(this.head.headers['accept'], ','); }
  get AcceptEncodings(): string[] { return listFromHeader(this.head.headers['accept-encoding'], ','); }
  get AcceptLanguages(): string[] { return listFromHeader(this.head.headers['accept-language'], ','); }
  /** `name=value` strings, as sent. */
  get Cookies(): string[] { return listFromHeader(this.head.headers['cookie'], ';'); }
  get CacheControl(): string { return this.GetHeader('cache-control'); }
  get Referer(): string { return this.GetHeader('referer'); }
  get ContentType(): string { return this.GetHeader('content-type'); }
  get ContentLength(): number {
    return this.content !== null ? this.content.length : (this.head.contentLength > 0 ? this.head.contentLength : 0);
  }
  get UserAgent(): string { return this.GetHeader('user-agent'); }
  get Authorization(): string { return this.GetHeader('authorization'); }
  get Origin(): string { return this.GetHeader('origin'); }
  get IsKeepAlive(): boolean { return this.head.keepAlive; }
  get IsUpgrade(): boolean { return this.head.upgrade; }
  get Upgrade(): string { return this.GetHeader('upgrade'); }
  get Content(): string | null { return this.content; }
  /** The managed connection (the original's XAsyncTCPClient). */
  get XAsyncTCPClient(): Connection { return this.connection; }

  /** Header value, or '' when absent (the original always returns a string). */
  GetHeader(name: string): string {
    if (typeof name !== 'string' || !name) throw new Error('GetHeader: name must be a non-empty string');
    var value = this.head.headers[name.toLowerCase()];
    return value === undefined ? '' : value;
  }

  /** Appends body bytes as they arrive (used by the HTTP session). */
  appendContent(data: string): void {
    this.content = this.content === null ? data : this.content + data;
  }

  private contentTypeIs(expected: string): boolean {
    var type = this.ContentType;
    var semicolon = type.indexOf(';');
    if (semicolon >= 0) type = type.substring(0, semicolon);
    return type.trim().toLowerCase() === expected;
  }

  /** Name/value pairs of an `application/x-www-form-urlencoded` body; `{}` otherwise. */
  GetPostedURLEncodedForm(): { [key: string]: string } {
    if (this.content === null || !this.contentTypeIs('application/x-www-form-urlencoded')) return {};
    return parseQuery(this.content);
  }

  /** The parsed `application/json` body, or null when absent, of another type, or invalid. */
  GetPostedJSONObject(): any {
    if (this.content === null || !this.contentTypeIs('application/json')) return null;
    var text = utf8Decode(this.content);
    if (text === null) return null;
    try {
      return JSON.parse(text);
    } catch (e) {
      return null;
    }
  }

  private authParts(scheme: string): string | null {
    var auth = this.Authorization;
    var space = auth.indexOf(' ');
    if (space < 0 || auth.substring(0, space).toLowerCase() !== scheme) return null;
    return auth.substring(space + 1).trim();
  }

  /**
   * RFC 7617: the credentials are split at the FIRST colon, so a password may contain ':'
   * (the original splits at every colon and accepts `secret:extra` for `secret`).
   */
  CheckBasicAuth(username: string, password: string): boolean {
    if (typeof username !== 'string' || typeof password !== 'string') {
      throw new Error('CheckBasicAuth: username and password must be strings');
    }
    var encoded = this.authParts('basic');
    if (encoded === null) return false;
    var decoded: string;
    try {
      decoded = atob(encoded);
    } catch (e) {
      return false;
    }
    var text = utf8Decode(decoded);
    if (text === null) return false;
    var colon = text.indexOf(':');
    if (colon < 0) return false;
    // The user name compares case-insensitively, as the original does.
    return text.substring(0, colon).toLowerCase() === username.toLowerCase() && text.substring(colon + 1) === password;
  }

  CheckBearerAuth(token: string): boolean {
    if (typeof token !== 'string') throw new Error('CheckBearerAuth: token must be a string');
    var sent = this.authParts('bearer');
    return sent !== null && sent === token;
  }
}

// Defaults on the prototype: a request that has no body and whose query is never read owns neither
// field (on a board, each own field costs variables for as long as the request lives).
var requestDefaults: any = HttpRequest.prototype;
requestDefaults.content = null;
requestDefaults.queryParams = null;
requestDefaults.Response = null;

/** Decodes a raw request path; null when it is malformed or names a NUL byte. */
export function decodeRequestPath(rawPath: string): string | null {
  var path = percentDecode(rawPath, false);
  if (path === null || path.indexOf('\0') >= 0) return null;
  return path;
}
