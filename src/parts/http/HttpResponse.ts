// The response to one request, with the original's method and property names.
//
// Every Return* method ends in sendHead() + a body that is either a binary string or a ByteSource:
// the connection sends both in slices paced by 'drain', so the size of a body never turns into one
// large socket write.

import { HttpRequest } from './HttpRequest';
import { reasonPhrase, statusHasNoContent, statusPage } from './status';
import { currentHttpDate } from './httpDate';
import { utf8Encode } from '../../core/text/utf8';
import { isBinaryData, toBinaryString } from '../../core/text/binary';
import { ByteSource } from '../../core/transport/Connection';
import { ChunkedSource, StreamSource, toByteSource } from './sources';
import { filesPart } from '../../core/parts';
import { findString } from '../../core/text/strings';
import { SERVER_HEADER } from '../../core/http/refusal';
import { allowedMethods } from './dispatch';
import type { MicroWebSrv2 } from '../../core/MicroWebSrv2';

/** What a response needs from the HTTP session that owns the connection. */
export interface ResponseSession {
  /** Whether the connection may stay open after this response. */
  canKeepAlive(response: HttpResponse): boolean;
  /** The head and body are queued; `keepAlive` says what was announced. */
  responseQueued(response: HttpResponse, keepAlive: boolean, upgraded: boolean): void;
}

var CACHE_FOREVER = 'public, max-age=31536000';
var NO_CACHE = 'no-cache, no-store, must-revalidate';

export class HttpResponse {
  /** Header name -> value, in the order set. Names keep the caller's case. */
  // Declared here, defaulted on the prototype (end of file): a response owns only what its handler
  // set, since every own field costs a board variables for each request in flight.
  private headers!: { [name: string]: string } | null;
  private headersSent!: boolean;
  /** Set by the session before the request is dispatched. */
  session!: ResponseSession | null;
  AllowCaching!: boolean;
  AccessControlAllowOrigin!: string | null;
  ContentType!: string | null;
  ContentCharset!: string | null;
  ContentLength!: number;
  OnSent!: ((microWebSrv2: MicroWebSrv2, response: HttpResponse) => void) | null;

  constructor(readonly Request: HttpRequest) {}

  get UserAddress(): [string, number] { return this.Request.UserAddress; }
  get IsSSL(): boolean { return this.Request.IsSSL; }
  get HeadersSent(): boolean { return this.headersSent; }

  SetHeader(name: string, value: any): void {
    if (typeof name !== 'string' || !name) throw new Error('SetHeader: name must be a non-empty string');
    if (value === null || value === undefined) throw new Error('SetHeader: value cannot be null');
    var text = String(value);
    // A CR or LF in a value would let a caller's input inject headers or a body.
    if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0 || name.indexOf(':') >= 0) {
      throw new Error('SetHeader: invalid characters in header "' + name + '"');
    }
    if (this.headers === null) this.headers = {};
    var existing = this.findHeader(name);
    if (existing !== null) delete this.headers[existing];
    this.headers[name] = text;
  }

  /** The header name as set, looked up case-insensitively; null when not set. */
  private findHeader(name: string): string | null {
    if (this.headers === null) return null;
    var lower = name.toLowerCase();
    for (var key in this.headers) {
      if (key.toLowerCase() === lower) return key;
    }
    return null;
  }

  /**
   * Builds and queues the status line and headers, then the body. `body` is a binary string or a
   * ByteSource; `length` is its size, or -1 to send it chunked.
   */
  send(code: number, body: string | ByteSource | null, length: number, defaultType: string | null): void {
    if (this.headersSent) throw new Error('Response headers already sent');
    if (typeof code !== 'number' || code < 100 || code > 999 || code % 1 !== 0) {
      throw new Error('Response: code must be an integer from 100 to 999');
    }
    var session = this.session;
    this.headersSent = true;
    var request = this.Request;
    var noContent = statusHasNoContent(code);
    var bodyless = noContent || request.Method === 'HEAD';
    var upgraded = code === 101;
    var keepAlive = !upgraded && session !== null && session.canKeepAlive(this);
    var head = 'HTTP/1.1 ' + code + ' ' + reasonPhrase(code) + '\r\n';
    var date = currentHttpDate();
    if (date !== null) head += 'Date: ' + date + '\r\n';
    head += 'Server: ' + SERVER_HEADER + '\r\n';
    var origin = request.server.AllowAllOrigins ? request.Origin : '';
    var vary = this.findHeader('vary');
    if (origin && vary !== null) {
      // One Vary listing both: the response depends on the origin and on what was already listed.
      (this.headers as any)[vary] += ', Origin';
    }
    if (this.headers !== null) {
      for (var name in this.headers) head += name + ': ' + this.headers[name] + '\r\n';
    }
    if (!upgraded) {
      if (keepAlive) {
        head += 'Connection: keep-alive\r\n';
        head += 'Keep-Alive: timeout=' + request.server.RequestsTimeoutSec + '\r\n';
      } else {
        head += 'Connection: close\r\n';
      }
      if (this.findHeader('cache-control') === null) head += 'Cache-Control: ' + (this.AllowCaching ? CACHE_FOREVER : NO_CACHE) + '\r\n';
    }
    if (body !== null && !noContent) {
      var type = this.ContentType || defaultType;
      if (type !== null && this.findHeader('content-type') === null) {
        if (this.ContentCharset && findString(type, 'charset=') < 0) type += '; charset=' + this.ContentCharset;
        head += 'Content-Type: ' + type + '\r\n';
      }
      if (length >= 0) head += 'Content-Length: ' + length + '\r\n';
      else head += 'Transfer-Encoding: chunked\r\n';
    }
    if (origin) {
      head += 'Access-Control-Allow-Origin: ' + origin + '\r\n';
      if (vary === null) head += 'Vary: Origin\r\n';
    } else if (this.AccessControlAllowOrigin && this.findHeader('access-control-allow-origin') === null) {
      head += 'Access-Control-Allow-Origin: ' + this.AccessControlAllowOrigin + '\r\n';
    }
    head += '\r\n';
    var connection = request.connection;
    connection.enqueue(head);
    if (body !== null) {
      if (bodyless) {
        if (typeof body !== 'string' && body.close) body.close();
      } else {
        connection.enqueue(typeof body === 'string' || length >= 0 ? body : new ChunkedSource(body));
      }
    }
    connection.flush();
    if (session !== null) session.responseQueued(this, keepAlive, upgraded);
  }

  /** Turns the user's content into bytes: text is sent as UTF-8, binary containers as they are. */
  private static contentBytes(content: any): string {
    if (isBinaryData(content)) return toBinaryString(content);
    return utf8Encode(String(content));
  }

  /**
   * Sends a response. `content`: a string (sent as UTF-8, `text/html; charset=UTF-8` unless ContentType
   * is set), binary data (ArrayBuffer, typed array: `application/octet-stream`), or nothing (the
   * built-in status page).
   */
  Return(code: number, content?: any): void {
    if (content === undefined || content === null) {
      if (statusHasNoContent(code)) {
        this.send(code, null, 0, null);
        return;
      }
      var page = statusPage(code);
      this.send(code, page, page.length, 'text/html; charset=UTF-8');
      return;
    }
    var binary = isBinaryData(content);
    var bytes = HttpResponse.contentBytes(content);
    if (!binary && this.ContentType && !this.ContentCharset && findString(this.ContentType, 'charset=') < 0) {
      this.ContentCharset = 'UTF-8';
    }
    this.send(code, bytes, bytes.length, binary ? 'application/octet-stream' : 'text/html; charset=UTF-8');
  }

  ReturnJSON(code: number, obj: any): void {
    var json = JSON.stringify(obj);
    var bytes = utf8Encode(json === undefined ? 'null' : json);
    this.send(code, bytes, bytes.length, 'application/json; charset=UTF-8');
  }

  ReturnOk(content?: any): void { this.Return(200, content); }
  ReturnOkJSON(obj: any): void { this.ReturnJSON(200, obj); }

  /**
   * Sends a readable source: an object with `read(n)` returning binary strings ('' or undefined at the
   * end) — a Storage `StorageFile`, an `E.openFile` file, or your own — or a string/ArrayBuffer.
   * Chunked unless ContentLength is set first; the final `0` chunk is always sent.
   */
  ReturnStream(code: number, stream: any): void {
    if (!stream) throw new Error('ReturnStream: stream is required');
    var source = toByteSource(stream);
    var length = this.ContentLength > 0 ? this.ContentLength : -1;
    if (length >= 0) source = new StreamSource(source, length);
    this.send(code, source, length, 'application/octet-stream');
  }

  /**
   * Sends a file by physical path: an `fs` path, or `storage:<name>` for a Storage file. Conditional
   * requests (304), Range (206/416) and a `.gz` twin for clients that take gzip are handled as for
   * static files; AllowCaching decides Cache-Control. `attachmentName` asks the browser to save the
   * file under that name. A path with a `..` segment is refused as not found: it most likely came
   * from a URL and would leave the folder the caller meant.
   */
  ReturnFile(filename: string, attachmentName?: string | null): void {
    if (typeof filename !== 'string' || !filename) throw new Error('ReturnFile: filename must be a non-empty string');
    var part = filesPart(this.Request.server);
    if (part === null) {
      this.ReturnServiceUnavailable();
      return;
    }
    if (!part.sendFile(this, filename, attachmentName || null)) this.ReturnNotFound();
  }

  /** Sends `101 Switching Protocols`; the caller (a module) then owns the connection. */
  SwitchingProtocols(upgrade: string): void {
    if (typeof upgrade !== 'string' || !upgrade) throw new Error('SwitchingProtocols: upgrade must be a non-empty string');
    this.SetHeader('Connection', 'Upgrade');
    this.SetHeader('Upgrade', upgrade);
    this.send(101, null, 0, null);
  }

  ReturnNotModified(): void { this.Return(304); }

  ReturnRedirect(location: string): void {
    if (typeof location !== 'string' || !location) throw new Error('ReturnRedirect: location must be a non-empty string');
    this.SetHeader('Location', location);
    this.Return(307);
  }

  ReturnBadRequest(): void { this.Return(400); }

  /** 401 with `WWW-Authenticate: <typeName> [realm="..."]`; a `"` in the realm becomes `'` (as the original). */
  ReturnUnauthorized(typeName: string, realm?: string | null): void {
    if (typeof typeName !== 'string' || !typeName) throw new Error('ReturnUnauthorized: typeName must be a non-empty string');
    var challenge = typeName;
    if (realm) challenge += ' realm="' + String(realm).split('"').join("'") + '"';
    this.SetHeader('WWW-Authenticate', challenge);
    this.Return(401);
  }

  ReturnForbidden(): void { this.Return(403); }

  /** 404, or a redirect to the server's NotFoundURL when one is set. */
  ReturnNotFound(): void {
    var url = this.Request.server.NotFoundURL;
    if (url) this.ReturnRedirect(url);
    else this.Return(404);
  }

  /** 405 with the `Allow` header RFC 9110 §15.5.6 requires (the original omits it). */
  ReturnMethodNotAllowed(): void {
    var allowed = this.session !== null ? allowedMethods(this.Request.head.path) : [];
    if (allowed.length && this.findHeader('allow') === null) this.SetHeader('Allow', allowed.join(', '));
    this.Return(405);
  }

  ReturnEntityTooLarge(): void { this.Return(413); }
  ReturnInternalServerError(): void { this.Return(500); }
  ReturnNotImplemented(): void { this.Return(501); }
  ReturnServiceUnavailable(): void { this.Return(503); }
  ReturnBasicAuthRequired(): void { this.ReturnUnauthorized('Basic'); }
  ReturnBearerAuthRequired(): void { this.ReturnUnauthorized('Bearer'); }
}

var responseDefaults: any = HttpResponse.prototype;
responseDefaults.headers = null;
responseDefaults.headersSent = false;
responseDefaults.session = null;
responseDefaults.AllowCaching = false;
responseDefaults.AccessControlAllowOrigin = null;
responseDefaults.ContentType = null;
responseDefaults.ContentCharset = null;
responseDefaults.ContentLength = 0;
responseDefaults.OnSent = null;
