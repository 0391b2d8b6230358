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
// when data arrives, see Connection's openHandler).

import { RequestHead, RequestParser, RequestParserEvents, RequestParserLimits } from './RequestParser';
import { HttpRequest, decodeRequestPath } from './HttpRequest';
import { HttpResponse, ResponseSession } from './HttpResponse';
import { serviceUnavailableResponse } from './refusal';
import { Connection, ConnectionHandler } from '../transport/Connection';
import { AllowedMethodsForPath, RouteMatch, matchRequestRoute } from '../routing/WebRoute';
import { freeVariables, variablesForBytes } from '../platform/memory';
import { findString } from '../text/strings';
import { holdPart } from '../platform/parts';
import { HTTP_PART } from './part';
import { filesPart } from '../files/part';

type Phase = 'idle' | 'receiving' | 'handling' | 'sending' | 'closing' | 'upgraded';

/** Methods the server knows; any other gets 501 rather than 405 (RFC 9110 §9.1). Space-separated,
 *  spaces at both ends: one string rather than an array of them (fewer variables on a board). */
var KNOWN_METHODS = ' GET HEAD POST PUT DELETE OPTIONS PATCH TRACE CONNECT ';
/** Pipelined input a connection may hold while its current response is under way, in BufferSlotSize units. */
var MAX_PENDING_SLOTS = 4;
/** Variables a request takes on a board from its first byte to its answer: input, parser, head and
 *  header fields, request, response, route, the call chain, the response head (measured: about 200
 *  in a route handler and 250 with its answer on Espruino 2v29, docs/MEMORY.md). A request starts
 *  only with this much free above MemoryReserveVars (else it waits, see onData). */
var REQUEST_VARIABLES = 250;
/** What is still to come once the head is parsed (the response and what the handler builds): below
 *  this above the reserve, the request gets 503. */
var ANSWER_VARIABLES = 100;
/** How long a request arriving while memory is short waits for memory (see onData), and how often
 *  it looks again. */
var MEMORY_WAIT_MS = 1000;
var MEMORY_RETRY_MS = 20;
/** MicroWebSrv2's log levels (kept here to avoid a dependency cycle). */
var DEBUG = 0;
var WARNING = 2;

export class HttpSession implements ConnectionHandler, RequestParserEvents, ResponseSession {
  private parser!: RequestParser | null;
  private phase!: Phase;
  private currentRequest!: HttpRequest | null;
  private route!: RouteMatch | null;
  /** Why the current request cannot be served normally (decided at head time, answered at its end). */
  private earlyStatus!: number;
  private keepAliveAfterResponse!: boolean;
  private mustClose!: boolean;
  /** Input held while waiting for memory to start a request (null: not waiting). */
  deferred!: string | null;
  /** When the held input arrived (Date.now()). */
  deferredAt!: number;
  /** This request waited for memory once already: it goes on, whatever the memory. */
  memoryWaited!: boolean;

  /** This session holds the part that holds its code (see letPartGo). */
  private holdsPart!: boolean;

  constructor(readonly connection: Connection) {
    connection.handler = this;
    connection.setTimeout(this.server.RequestsTimeoutSec);
    // Released with a session alive, the part would stay in memory through it, and the next
    // request would load a second copy.
    holdPart(HTTP_PART, 1);
    this.holdsPart = true;
  }

  /** The session is over (its connection closed, went idle, or was upgraded): the part may go. */
  private letPartGo(): void {
    if (!this.holdsPart) return;
    delete (this as any).holdsPart;
    holdPart(HTTP_PART, -1);
  }

  /** The server that accepted the connection (null once it closed). */
  get server(): any {
    return this.connection.owner;
  }

  // ---- Connection events ----

  // onData runs the whole request (parser, handler, response) inside its call: it must not be
  // split into onData -> receive. Espruino 2v29 counts locks on an object in 4 bits, and one more
  // nested call on this session saturated it: the session, its request and response were never
  // freed (measured: about 55 variables per request, on every request; see failParser in
  // RequestParser.ts).
  onData(data: string): void {
    if (this.deferred !== null) {
      this.deferred += data;
      if (this.deferred.length > this.server.BufferSlotSize * MAX_PENDING_SLOTS) this.connection.destroy();
      return;
    }
    if (this.phase === 'idle' && !this.memoryWaited && requestsInProgress > 0 &&
        (waitingSessions.length > 0 || !this.hasRoomFor(REQUEST_VARIABLES))) {
      // Short of memory as a request starts while others are under way: their memory comes back
      // when they are answered and drained, a moment later. Wait for that in line (behind any
      // request already waiting) rather than refuse. Once no other request is under way it goes on
      // (refused at its head, 503, if the memory to answer it is still missing); still short with
      // others under way after MEMORY_WAIT_MS, it gets 503 without being parsed.
      this.deferred = data;
      this.deferredAt = Date.now();
      waitingSessions.push(this);
      if (waitingSessions.length === 1) setTimeout(resumeWaitingSession, MEMORY_RETRY_MS);
      return;
    }
    var server = this.server;
    if (this.phase === 'idle') {
      this.phase = 'receiving';
      requestsInProgress++;
      this.connection.setTimeout(server.RequestsTimeoutSec);
    }
    var parser = this.parser;
    if (parser === null) parser = this.parser = new RequestParser(parserLimits(server), this);
    parser.feed(data);
    // Pipelined input waits in the parser while a response is under way; bound it.
    if (this.parser !== null && this.parser.pendingBytes > server.BufferSlotSize * MAX_PENDING_SLOTS) {
      server.Log('Connection dropped: too much pipelined input', WARNING);
      this.connection.destroy();
    }
  }

  /** Room above MemoryReserveVars for `variables` more. */
  hasRoomFor(variables: number): boolean {
    var needed = this.server.MemoryReserveVars + variables;
    return freeVariables(needed) >= needed;
  }

  onDrained(): void {
    if (this.phase !== 'sending') return;
    var server = this.server;
    var response = this.currentRequest !== null ? this.currentRequest.Response : null;
    this.connection.setProgressTimeout(0);
    if (response !== null && response.OnSent) {
      try {
        response.OnSent(server, response);
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
      server.Log('No response from the handler of ' + this.describe() + ' within ' + server.HandlerTimeoutSec + ' s', WARNING);
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
    } else if (!this.hasRoomFor(ANSWER_VARIABLES)) {
      // Answering takes memory too (the response, its head, what the handler builds): with less
      // than that above the reserve (even after waiting, see onData), 503 and close rather than
      // run the board out of memory mid-answer.
      this.refuseForMemory();
    } else {
      var route = this.route = matchRequestRoute(head.method, head.path);
      if (route !== null) {
        // A body is buffered whole for its handler: refused now if it would eat the memory reserve.
        if (head.contentLength === 0 || this.hasRoomFor(variablesForBytes(head.chunked ? server.BufferSlotSize : head.contentLength))) {
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
    this.server.Log('Request refused: free memory below MemoryReserveVars (' + freeVariables(Infinity) + ' variables free)', WARNING);
    this.earlyStatus = 503;
    this.mustClose = true;
    this.route = null;
    if (this.currentRequest !== null) this.currentRequest.Response.SetHeader('Retry-After', 1);
  }

  onBody(data: string): void {
    var server = this.server;
    // Chunked bodies announce no length: check as they grow. The rest is read and thrown away
    // (the parser cannot stop in the middle of a body), within MaxRequestContentLength.
    if (this.currentRequest !== null && this.currentRequest.head.chunked && !this.hasRoomFor(variablesForBytes(data.length))) {
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
    this.server.Log('Bad request (' + status + '): ' + message, DEBUG);
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

  allowedMethods(request: HttpRequest): string[] {
    var methods = AllowedMethodsForPath(request.head.path);
    if (methods.length) {
      if (methods.indexOf('OPTIONS') < 0) methods.push('OPTIONS');
      return methods;
    }
    return ['GET', 'HEAD', 'OPTIONS'];
  }

  // ---- Dispatch ----

  private dispatch(request: HttpRequest): void {
    var server = this.server;
    var response = request.Response;
    try {
      if (server.runModules(request) || response.HeadersSent || this.phase !== 'handling') return;
      var route = this.route;
      if (route !== null) {
        // [entry, args]; an entry is [method, routePath, handler, name] (WebRoute.ts).
        route[0][2](server, request, route[1]);
        return;
      }
      var method = request.Method;
      if (findString(KNOWN_METHODS, ' ' + method + ' ') < 0) {
        response.ReturnNotImplemented();
      } else if (method === 'OPTIONS') {
        this.answerOptions(request);
      } else if (AllowedMethodsForPath(request.head.path).length) {
        // The path is a route's, under other methods: the route defines the resource.
        response.ReturnMethodNotAllowed();
      } else if (method === 'GET' || method === 'HEAD') {
        var files = filesPart(server);
        if (files === null) response.ReturnServiceUnavailable();
        else files.serveStaticFile(server, request);
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

  /** OPTIONS outside routes: 204 with Allow, plus permissive CORS pre-flight headers with CORSAllowAll. */
  private answerOptions(request: HttpRequest): void {
    var server = this.server;
    var response = request.Response;
    response.SetHeader('Allow', this.allowedMethods(request).join(', '));
    if (server.CORSAllowAll) {
      // Browsers ignore `*` when credentials are allowed, so echo what the pre-flight asks for.
      var origin = request.Origin;
      if (origin && !server.AllowAllOrigins) response.SetHeader('Access-Control-Allow-Origin', origin);
      response.SetHeader('Access-Control-Allow-Methods', request.GetHeader('access-control-request-method') || '*');
      response.SetHeader('Access-Control-Allow-Headers', request.GetHeader('access-control-request-headers') || '*');
      response.SetHeader('Access-Control-Allow-Credentials', 'true');
      response.SetHeader('Access-Control-Max-Age', '86400');
      if (origin && !server.AllowAllOrigins) response.SetHeader('Vary', 'Origin');
    }
    response.Return(204);
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
    if (phase === 'receiving' || phase === 'handling' || phase === 'sending') requestsInProgress--;
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

function parserLimits(server: any): RequestParserLimits {
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

/** Requests of every session between their first byte and the end of their response (or their
 *  connection's): while there are none, waiting for memory is pointless. */
var requestsInProgress = 0;

/** Sessions whose request waits for memory, oldest first (see onData). One list and one timer for
 *  all of them: a timer each would itself take the memory they wait for. */
var waitingSessions: HttpSession[] = [];

/** Resumes the oldest waiting request once there is room for it (or once it waited MEMORY_WAIT_MS),
 *  one a turn: between two, Espruino's idle loop sends what the previous one queued, freeing it. */
function resumeWaitingSession(): void {
  var session = waitingSessions[0];
  if (session.connection.closed) {
    waitingSessions.shift();
  } else if (requestsInProgress === 0 || session.hasRoomFor(REQUEST_VARIABLES)) {
    waitingSessions.shift();
    var data = session.deferred as string;
    var self: any = session;
    delete self.deferred;
    delete self.deferredAt;
    // With no other request under way, waiting longer brings no memory back: onData takes the
    // request as it is (refused at its head if the memory to answer it is missing).
    session.memoryWaited = true;
    session.onData(data);
  } else if (Date.now() - session.deferredAt >= MEMORY_WAIT_MS) {
    // Still short, others still under way: refused without being parsed (parsing it would take
    // the memory that is missing; several refusals parsed at once ran a 4,095-variable board out).
    waitingSessions.shift();
    delete (session as any).deferred;
    session.server.Log('Request refused: free memory below MemoryReserveVars after waiting ' + MEMORY_WAIT_MS + ' ms', WARNING);
    session.connection.send(serviceUnavailableResponse());
    session.connection.end();
  }
  if (waitingSessions.length) setTimeout(resumeWaitingSession, MEMORY_RETRY_MS);
}
