// HTTP/1.1 on one connection: feeds the parser, turns heads into HttpRequests, dispatches them in
// order (pipelined requests wait in the parser), and decides what follows each response: the next
// request, an idle keep-alive wait, or closing.
//
// Time-outs, all on the connection's single deadline (swept by the pool's one timer):
// - idle (fresh or keep-alive connection, nothing received): closed silently after RequestsTimeoutSec;
// - a request started but incomplete: the header section must be complete RequestsTimeoutSec after
//   its first byte (a client trickling one header a second cannot hold the connection), and a body
//   must keep moving (each body chunk re-arms the deadline): else 408 and close;
// - a handler that never answers: HandlerTimeoutSec, then 500, a log line, and close;
// - a client that stops reading the response: closed when no slice drains for RequestsTimeoutSec.

import { RequestHead, RequestParser, RequestParserEvents } from './RequestParser';
import { HttpRequest, decodeRequestPath } from './HttpRequest';
import { HttpResponse, ResponseSession } from './HttpResponse';
import { Connection, ConnectionHandler } from '../transport/Connection';
import { AllowedMethodsForPath, ResolveRoute, RouteResult } from '../routing/WebRoute';

type Phase = 'idle' | 'receiving' | 'handling' | 'sending' | 'closing' | 'upgraded';

/** Methods the server knows; any other gets 501 rather than 405 (RFC 9110 §9.1). */
var KNOWN_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT'];
var STATIC_METHODS = ['GET', 'HEAD', 'OPTIONS'];

export class HttpSession implements ConnectionHandler, RequestParserEvents, ResponseSession {
  private parser: RequestParser;
  private phase: Phase = 'idle';
  private request: HttpRequest | null = null;
  private route: RouteResult | null = null;
  /** Why the current request cannot be served normally (decided at head time, answered at its end). */
  private earlyStatus = 0;
  private keepAliveAfterResponse = false;
  private mustClose = false;

  constructor(private server: any, readonly connection: Connection) {
    this.parser = new RequestParser(server.parserLimits(), this);
    connection.handler = this;
    connection.setTimeout(server.RequestsTimeoutSec);
  }

  // ---- Connection events ----

  onData(data: string): void {
    if (this.phase === 'idle') {
      this.phase = 'receiving';
      this.connection.setTimeout(this.server.RequestsTimeoutSec);
    }
    this.parser.feed(data);
    // Pipelined input waits in the parser while a response is under way; bound it.
    if (this.parser.pendingBytes > this.server.maxPendingInput()) {
      this.server.Log('Connection dropped: too much pipelined input', this.server.constructor.WARNING);
      this.connection.destroy();
    }
  }

  onDrained(): void {
    if (this.phase !== 'sending') return;
    var response = this.request !== null ? this.request.Response : null;
    this.connection.progressTimeoutSec = 0;
    if (response !== null && response.OnSent) {
      try {
        response.OnSent(this.server, response);
      } catch (e) {
        this.server.logException('OnSent callback', e);
      }
    }
    if (this.keepAliveAfterResponse && !this.mustClose && !this.connection.closed) {
      this.startNextRequest();
    } else {
      this.phase = 'closing';
      this.connection.end();
    }
  }

  onTimeout(): void {
    var server = this.server;
    if (this.phase === 'receiving' && this.parser.state !== 'done') {
      if (this.request === null || this.request.Response.HeadersSent === false) {
        this.mustClose = true;
        this.respondWithoutRequest(408);
      }
      this.connection.end();
      return;
    }
    if (this.phase === 'handling') {
      server.Log('No response from the handler of ' + this.describe() + ' within ' + server.HandlerTimeoutSec + ' s', server.constructor.WARNING);
      this.mustClose = true;
      if (this.request !== null && !this.request.Response.HeadersSent) {
        this.request.Response.ReturnInternalServerError();
        return;
      }
    }
    this.connection.destroy();
  }

  onClosed(): void {
    this.phase = 'closing';
    this.request = null;
    this.route = null;
  }

  // ---- Parser events ----

  onHead(head: RequestHead): void {
    var server = this.server;
    var path = decodeRequestPath(head.path === '*' ? '/' : head.path);
    this.earlyStatus = 0;
    this.route = null;
    this.request = new HttpRequest(server, this.connection, head, path === null ? '/' : path);
    this.request.Response.session = this;
    if (path === null) {
      this.earlyStatus = 400;
      this.parser.skipBody();
      return;
    }
    this.route = ResolveRoute(head.method, head.path);
    // Only route handlers read bodies; static files, modules and errors discard them, so an
    // unwanted upload never occupies memory.
    if (this.route === null) {
      this.parser.skipBody();
      return;
    }
    if (head.expectContinue && head.contentLength !== 0) this.connection.send('HTTP/1.1 100 Continue\r\n\r\n');
  }

  onBody(data: string): void {
    if (this.request !== null) this.request.appendContent(data);
    // A body that keeps arriving keeps the connection alive; a stalled one times out.
    this.connection.setTimeout(this.server.RequestsTimeoutSec);
  }

  onEnd(): void {
    var request = this.request;
    if (request === null) return;
    this.phase = 'handling';
    this.connection.setTimeout(this.server.HandlerTimeoutSec);
    if (this.earlyStatus !== 0) {
      request.Response.Return(this.earlyStatus);
      return;
    }
    this.dispatch(request);
  }

  onError(status: number, message: string): void {
    this.mustClose = true;
    this.server.Log('Bad request (' + status + '): ' + message, this.server.constructor.DEBUG);
    if (this.request !== null && this.request.Response.HeadersSent) {
      this.connection.end();
      return;
    }
    this.respondWithoutRequest(status);
  }

  // ---- ResponseSession ----

  canKeepAlive(response: HttpResponse): boolean {
    return !this.mustClose && response.Request.head.keepAlive && this.server.IsRunning && !this.connection.closed;
  }

  responseQueued(response: HttpResponse, keepAlive: boolean, upgraded: boolean): void {
    if (upgraded) {
      // The module that answered 101 takes the connection over; HTTP is done with it.
      this.phase = 'upgraded';
      this.connection.setTimeout(0);
      return;
    }
    this.phase = 'sending';
    this.keepAliveAfterResponse = keepAlive;
    this.connection.setTimeout(this.server.RequestsTimeoutSec);
    this.connection.progressTimeoutSec = this.server.RequestsTimeoutSec;
  }

  allowedMethods(request: HttpRequest): string[] {
    var methods = AllowedMethodsForPath(request.head.path);
    if (methods.length) {
      if (methods.indexOf('OPTIONS') < 0) methods.push('OPTIONS');
      return methods;
    }
    return STATIC_METHODS.slice();
  }

  // ---- Dispatch ----

  private dispatch(request: HttpRequest): void {
    var server = this.server;
    var response = request.Response;
    try {
      if (server.runModules(request) || response.HeadersSent || this.phase !== 'handling') return;
      var route = this.route;
      if (route !== null) {
        route.Handler(server, request, route.Args);
        return;
      }
      var method = request.Method;
      if (KNOWN_METHODS.indexOf(method) < 0) {
        response.ReturnNotImplemented();
      } else if (method === 'OPTIONS') {
        server.answerOptions(request);
      } else if (AllowedMethodsForPath(request.head.path).length) {
        // The path is a route's, under other methods: the route defines the resource.
        response.ReturnMethodNotAllowed();
      } else if (method === 'GET' || method === 'HEAD') {
        server.serveStaticFile(request);
      } else {
        response.ReturnMethodNotAllowed();
      }
    } catch (e) {
      server.logException('Handler of ' + this.describe(), e);
      if (!response.HeadersSent) {
        this.mustClose = true;
        response.ReturnInternalServerError();
      } else {
        this.connection.destroy();
      }
    }
  }

  private startNextRequest(): void {
    this.request = null;
    this.route = null;
    this.phase = 'idle';
    this.connection.setTimeout(this.server.RequestsTimeoutSec);
    if (this.parser.pendingBytes > 0) this.phase = 'receiving';
    this.parser.next();
  }

  /** Answers a request that never became an HttpRequest (parse error, time-out). */
  private respondWithoutRequest(status: number): void {
    var head: RequestHead = {
      method: 'GET', target: '/', version: '1.1', path: '/', query: '', headers: {},
      contentLength: 0, chunked: false, expectContinue: false, keepAlive: false, upgrade: false,
    };
    this.request = new HttpRequest(this.server, this.connection, head, '/');
    this.request.Response.session = this;
    this.phase = 'handling';
    this.request.Response.Return(status);
  }

  private describe(): string {
    var request = this.request;
    return request === null ? 'a request' : request.Method + ' ' + request.Path;
  }
}
