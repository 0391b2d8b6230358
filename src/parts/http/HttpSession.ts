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
//
// Memory: a session exists from a request's first byte to the end of its response (longer only while
// pipelined input waits in its parser); an idle keep-alive connection has none (the server opens one
// when data arrives, see Connection's openHandler). Whether a request may start for memory is
// admission.ts's; what answers a request no module and no route took is dispatch.ts's.

import { RequestHead, RequestParser, RequestParserEvents, RequestParserLimits } from './RequestParser';
import { HttpRequest, decodeRequestPath } from './HttpRequest';
import { HttpResponse, ResponseSession } from './HttpResponse';
import { Connection, ConnectionHandler } from '../../core/transport/Connection';
import { RouteField, RouteMatch, RouteMatchField, matchRequestRoute } from '../../core/routing/WebRoute';
import { freeVariables, variablesForBytes } from '../../core/platform/memory';
import { holdPart } from '../../core/platform/partLoader';
import { HTTP_PART, REQUEST_BUDGET } from '../../manifest';
import { LogLevel, ServerContext } from '../../core/ServerContext';
import type { MicroWebSrv2 } from '../../core/MicroWebSrv2';
import { Admitted, MAX_PENDING_SLOTS, admit, hasRoomFor, requestOver } from './admission';
import { answerWithoutRoute } from './dispatch';

type Phase = 'idle' | 'receiving' | 'handling' | 'sending' | 'closing' | 'upgraded';

export class HttpSession implements ConnectionHandler, RequestParserEvents, ResponseSession, Admitted {
  private parser!: RequestParser | null;
  private phase!: Phase;
  private currentRequest!: HttpRequest | null;
  private route!: RouteMatch | null;
  /** Why the current request cannot be served normally (decided at head time, answered at its end). */
  private earlyStatus!: number;
  private keepAliveAfterResponse!: boolean;
  private mustClose!: boolean;
  /** Input held while waiting for memory to start a request (null: not waiting). @internal */
  deferred!: string | null;
  /** When the held input arrived (Date.now()). @internal */
  deferredAt!: number;
  /** This request waited for memory once already: it goes on, whatever the memory. @internal */
  memoryWaited!: boolean;

  /** This session holds the part that holds its code (see letPartGo). */
  private holdsPart!: boolean;

  constructor(readonly connection: Connection) {
    connection.handler = this;
    connection.setTimeout(this.server.RequestsTimeoutSec);
    // Released with a session alive, the part would stay in memory through it, and the next
    // request would load a second copy.
    holdPart(HTTP_PART.name, 1);
    this.holdsPart = true;
  }

  /** The session is over (its connection closed, went idle, or was upgraded): the part may go. */
  private letPartGo(): void {
    if (!this.holdsPart) return;
    delete (this as any).holdsPart;
    holdPart(HTTP_PART.name, -1);
  }

  /** The server that accepted the connection (null once it closed: nothing reads it then). @internal */
  get server(): ServerContext {
    return this.connection.owner!;
  }

  // ---- Connection events ----

  // onData runs the whole request (parser, handler, response) inside its call: it must not be
  // split into onData -> receive. Espruino 2v29 counts locks on an object in 4 bits, and one more
  // nested call on this session saturated it: the session, its request and response were never
  // freed (measured: about 55 variables per request, on every request; see failParser in
  // RequestParser.ts).
  onData(data: string): void {
    var server = this.server;
    if (this.phase === 'idle') {
      if (!admit(this, data)) return;
      this.phase = 'receiving';
      this.connection.setTimeout(server.RequestsTimeoutSec);
    }
    var parser = this.parser;
    if (parser === null) parser = this.parser = new RequestParser(parserLimits(server), this);
    parser.feed(data);
    // Pipelined input waits in the parser while a response is under way; bound it.
    if (this.parser !== null && this.parser.pendingBytes > server.BufferSlotSize * MAX_PENDING_SLOTS) {
      server.Log('Connection dropped: too much pipelined input', LogLevel.WARNING);
      this.connection.destroy();
    }
  }

  onDrained(): void {
    if (this.phase !== 'sending') return;
    var server = this.server;
    var response = this.currentRequest !== null ? this.currentRequest.Response : null;
    this.connection.setProgressTimeout(0);
    if (response !== null && response.OnSent) {
      try {
        response.OnSent(server as MicroWebSrv2, response);
      } catch (e) {
        server.logException('OnSent callback', e);
      }
    }
    if (this.keepAliveAfterResponse && !this.mustClose && !this.connection.closed) {
      this.startNextRequest();
    } else {
      this.leaveProgress();
      this.phase = 'closing';
      this.connection.end();
    }
  }

  onTimeout(): void {
    var server = this.server;
    if (this.phase === 'receiving') {
      this.mustClose = true;
      this.respondWithoutRequest(408);
      this.connection.end();
      return;
    }
    if (this.phase === 'handling') {
      server.Log('No response from the handler of ' + this.describe() + ' within ' + server.HandlerTimeoutSec + ' s', LogLevel.WARNING);
      this.mustClose = true;
      if (this.currentRequest !== null && !this.currentRequest.Response.HeadersSent) {
        this.currentRequest.Response.ReturnInternalServerError();
        return;
      }
    }
    this.connection.destroy();
  }

  onClosed(): void {
    this.leaveProgress();
    this.letPartGo();
    this.phase = 'closing';
    this.currentRequest = null;
    this.route = null;
    this.parser = null;
  }

  // ---- Parser events ----

  onHead(head: RequestHead): void {
    var path = decodeRequestPath(head.path === '*' ? '/' : head.path);
    var request = this.currentRequest = new HttpRequest(this.server, this.connection, head, path === null ? '/' : path);
    request.Response.session = this;
    var server = this.server;
    if (path === null) {
      this.earlyStatus = 400;
    } else if (!hasRoomFor(server, REQUEST_BUDGET.answerVariables)) {
      // Answering takes memory too (the response, its head, what the handler builds): with less
      // than that above the reserve (even after waiting, see onData), 503 and close rather than
      // run the board out of memory mid-answer.
      this.refuseForMemory();
    } else {
      var route = this.route = matchRequestRoute(head.method, head.path);
      if (route !== null) {
        // A body is buffered whole for its handler: refused now if it would eat the memory reserve.
        if (head.contentLength === 0 || hasRoomFor(server, variablesForBytes(head.chunked ? server.BufferSlotSize : head.contentLength))) {
          if (head.expectContinue && head.contentLength !== 0) this.connection.send('HTTP/1.1 100 Continue\r\n\r\n');
          return;
        }
        this.refuseForMemory();
      }
    }
    // Only route handlers read bodies; static files, modules and errors do without them, so an
    // unwanted upload never occupies memory. A body of known length (within
    // MaxRequestContentLength, the parser saw to that) is read and thrown away, and the connection
    // serves the next request. A chunked body, or one the client holds back until 100 Continue
    // (RFC 9110 §10.1.1: then the answer must come at once), is not read: the answer comes now,
    // with `Connection: close`, since the unread body would otherwise be parsed as a request.
    var parser = this.parser!;
    if (head.chunked || (head.expectContinue && head.contentLength !== 0)) {
      this.mustClose = true;
      parser.skipBody();
    } else {
      parser.discardBody = true;
    }
  }

  /** 503 at the request's end, connection closed: the board is short of memory. The caller sees
   *  to the body (not kept). */
  private refuseForMemory(): void {
    this.server.Log('Request refused: free memory below MemoryReserveVars (' + freeVariables(Infinity) + ' variables free)', LogLevel.WARNING);
    this.earlyStatus = 503;
    this.mustClose = true;
    this.route = null;
    if (this.currentRequest !== null) this.currentRequest.Response.SetHeader('Retry-After', 1);
  }

  onBody(data: string): void {
    var server = this.server;
    // Chunked bodies announce no length: check as they grow. The rest is read and thrown away
    // (the parser cannot stop in the middle of a body), within MaxRequestContentLength.
    if (this.currentRequest !== null && this.currentRequest.head.chunked && !hasRoomFor(server, variablesForBytes(data.length))) {
      this.refuseForMemory();
      this.parser!.discardBody = true;
      return;
    }
    if (this.currentRequest !== null && this.earlyStatus === 0) this.currentRequest.appendContent(data);
    // A body that keeps arriving keeps the connection alive; a stalled one times out.
    this.connection.setTimeout(server.RequestsTimeoutSec);
  }

  onEnd(): void {
    var request = this.currentRequest;
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
    this.server.Log('Bad request (' + status + '): ' + message, LogLevel.DEBUG);
    if (this.currentRequest !== null && this.currentRequest.Response.HeadersSent) {
      this.connection.end();
      return;
    }
    this.respondWithoutRequest(status);
  }

  // ---- ResponseSession ----

  canKeepAlive(response: HttpResponse): boolean {
    return !this.mustClose && !this.connection.closed && response.Request.head.keepAlive && this.server.IsRunning;
  }

  responseQueued(response: HttpResponse, keepAlive: boolean, upgraded: boolean): void {
    if (upgraded) {
      // HTTP is over on this connection: whoever answered 101 (the WebSockets module) takes the
      // request, but not its response or this session, so a board frees them while the connection
      // stays open. request.Response is null from here on (the prototype's).
      response.session = null;
      delete (response.Request as any).Response;
    }
    // A handler may answer after its client left: nothing more to do then.
    if (this.connection.closed) return;
    if (upgraded) {
      // The module that answered 101 takes the connection over; HTTP is done with it.
      this.leaveProgress();
      this.letPartGo();
      this.phase = 'upgraded';
      this.parser = null;
      this.connection.setTimeout(0);
      return;
    }
    var timeout = this.server.RequestsTimeoutSec;
    // Everything is queued: unless OnSent wants the response once it is sent, the request, its
    // head and its response are released now rather than at the drain, so that a board answering
    // many connections at once holds only what is still to send for each of them.
    if (response.OnSent === null) {
      delete (this as any).currentRequest;
      delete (this as any).route;
    }
    this.phase = 'sending';
    this.keepAliveAfterResponse = keepAlive;
    this.connection.setTimeout(timeout);
    this.connection.setProgressTimeout(timeout);
  }

  // ---- Dispatch ----

  private dispatch(request: HttpRequest): void {
    var server = this.server;
    var response = request.Response;
    try {
      if (server.runModules(request) || response.HeadersSent || this.phase !== 'handling') return;
      var route = this.route;
      if (route !== null) route[RouteMatchField.Entry][RouteField.Handler](server as MicroWebSrv2, request, route[RouteMatchField.Args]);
      else answerWithoutRoute(request);
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

  /** Back to idle: the connection drops this session, so a kept-alive connection costs only itself. */
  private startNextRequest(): void {
    var self: any = this;
    delete self.currentRequest;
    delete self.route;
    delete self.earlyStatus;
    delete self.keepAliveAfterResponse;
    this.connection.setTimeout(this.server.RequestsTimeoutSec);
    var parser = this.parser;
    if (parser !== null && parser.pendingBytes > 0) {
      // A pipelined request is already waiting: the parser resumes with it, from a fresh call
      // stack. Resuming here, inside the drain of the previous response, nests the connection and
      // this session in enough calls to saturate Espruino's 4-bit lock count (see failParser in
      // RequestParser.ts), which leaked them (about 60 variables a pipelined connection).
      this.phase = 'receiving';
      var session = this;
      setTimeout(function () {
        if (session.parser !== null && !session.connection.closed) session.parser.next();
      }, 0);
      return;
    }
    // Idle: the connection forgets this session (the server opens a new one on the next byte).
    this.leaveProgress();
    this.letPartGo();
    delete self.phase;
    delete (this.connection as any).handler;
  }

  /** The request under way (if any) is over: it no longer counts in requestsInProgress. */
  private leaveProgress(): void {
    var phase = this.phase;
    if (phase === 'receiving' || phase === 'handling' || phase === 'sending') requestOver();
  }

  /** Answers a request that never became an HttpRequest (parse error, time-out). */
  private respondWithoutRequest(status: number): void {
    var request = this.currentRequest = new HttpRequest(this.server, this.connection, new RequestHead('GET', '1.1', '/'), '/');
    request.Response.session = this;
    this.phase = 'handling';
    request.Response.Return(status);
  }

  private describe(): string {
    var request = this.currentRequest;
    return request === null ? 'a request' : request.Method + ' ' + request.Path;
  }
}

// Defaults shared by every session; an instance only stores what differs (see the top comment).
var defaults: any = HttpSession.prototype;
defaults.parser = null;
defaults.phase = 'idle';
defaults.currentRequest = null;
defaults.route = null;
defaults.earlyStatus = 0;
defaults.keepAliveAfterResponse = false;
defaults.mustClose = false;
defaults.deferred = null;
defaults.memoryWaited = false;
defaults.deferredAt = 0;
defaults.holdsPart = false;

/** One limits object shared by every parser, made again only when the server's settings differ
 *  from it (it lives with the part: an idle server holds none). */
var sharedLimits: RequestParserLimits | null = null;

function parserLimits(server: ServerContext): RequestParserLimits {
  var limits = sharedLimits;
  if (limits === null || limits.maxRequestLineLength !== server.BufferSlotSize || limits.maxContentLength !== server.MaxRequestContentLength) {
    limits = sharedLimits = {
      maxRequestLineLength: server.BufferSlotSize,
      // Two slots for the whole header section: a typical browser sends well under one.
      maxHeaderBytes: server.BufferSlotSize * 2,
      maxHeaderCount: 100,
      maxContentLength: server.MaxRequestContentLength,
    };
  }
  return limits;
}
