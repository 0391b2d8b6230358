// One accepted WebSocket: owns the connection after the 101 response, reads frames with
// FrameReader, writes them with FrameWriter, and gives the application the original's API.
//
// Sending is bounded: messages queue on the connection (sent a slice per 'drain'), and once
// MaxSendQueueBytes are waiting, Send* returns false and drops the message instead of letting a slow
// reader grow the queue until the board runs out of memory. `CanSend` tells beforehand.
//
// Idle peers: when no frame arrives for WaitFrameTimeoutSec, the server sends a ping; a peer that
// does not answer anything within PongTimeoutSec is taken as dead and the connection is closed.

import { Connection, ConnectionHandler } from '../../../core/transport/Connection';
import { FrameReader, FrameReaderEvents } from './FrameReader';
import { closePayload, encodeFrame, frameHeader, OPCODE_BINARY, OPCODE_CLOSE, OPCODE_PING, OPCODE_PONG, OPCODE_TEXT } from './FrameWriter';
import { GOING_AWAY, NORMAL, isValidWireCloseCode } from './closeCodes';
import { utf8Encode } from '../../../core/text/utf8';
import { toBinaryString } from '../../../core/text/binary';
import { freeVariables, variablesForBytes } from '../../../core/platform/memory';
import { holdPart, releaseUnheldParts } from '../../../core/platform/partLoader';
import { DEFAULT_WAIT_FRAME_TIMEOUT_SEC } from '../defaults';
import type { HttpRequest } from '../../../parts/http/HttpRequest';
import type { ServerContext } from '../../../core/ServerContext';
import { httpPart } from '../../../core/parts';
import { HTTP_PART, WS_SOCKET_PART } from '../../../manifest';

type WebSocketPhase = 'open' | 'closing' | 'closed';

/** Binary messages reach OnBinaryMessage as a Uint8Array (the original's memoryview). */
function toUint8Array(bytes: string): Uint8Array {
  if (typeof E !== 'undefined' && E.toUint8Array) return E.toUint8Array(bytes);
  var array = new Uint8Array(bytes.length);
  for (var i = 0; i < bytes.length; i++) array[i] = bytes.charCodeAt(i);
  return array;
}

/** Seconds a pinged peer, or a peer we sent Close to, has to answer before the connection is dropped. */
export var DEFAULT_PONG_TIMEOUT_SEC = 5;

/** Messages shorter than this are taken without looking at free memory (the look costs time). */
var MEMORY_CHECK_MIN_BYTES = 512;
/** Copies of a message alive at once at worst: received fragments, the string or Uint8Array given
 *  to the application, and what an echo queues, plus the contiguous blocks typed arrays need on a
 *  fragmented heap. Calibrated on the 32-bit Linux build: a 5,500-byte binary echo ran out of
 *  memory with 3,500 variables free, a 5,000-byte one did not. */
var MESSAGE_COPIES = 7;

// Why settings and state are declared but kept on the prototype (end of file) unless they differ:
// on a board every property an object owns costs variables, and boards keep sockets open for
// hours. An open WebSocket that uses the defaults owns only its request, connection, receive and
// send bounds and the callbacks its application set; its FrameReader only while a frame is under way
// (measured: 69 variables per open WebSocket on the 32-bit Linux build, socket and request included;
// 276 at first).
export class WebSocket implements ConnectionHandler, FrameReaderEvents {
  /** Only while a frame or a fragmented message is being received: an idle WebSocket has none
   *  (about 11 variables less per open WebSocket on a board). */
  private reader!: FrameReader | null;
  private phase!: WebSocketPhase;
  private awaitingPong!: boolean;
  private waitFrameTimeoutSec!: number;
  OnTextMessage!: ((webSocket: WebSocket, msg: string) => void) | null;
  OnBinaryMessage!: ((webSocket: WebSocket, msg: Uint8Array) => void) | null;
  OnClosed!: ((webSocket: WebSocket) => void) | null;
  /** Seconds a pinged idle peer (or one we sent Close to) has to answer before the connection is dropped. */
  PongTimeoutSec!: number;
  /**
   * Bytes allowed to wait in the send queue before Send* refuses messages. A plain property on
   * purpose: as a getter computing the default from the server, it made Espruino 2v29 keep every
   * closed WebSocket (about 230 variables each), which a plain property does not.
   */
  MaxSendQueueBytes!: number;

  /** FrameReaderOptions, held by the socket itself: a separate options object cost a board 18
   *  variables per open WebSocket. @internal */
  maxMessageLength!: number;
  /** @internal */
  requireMask!: boolean;

  /** The upgrade request while it is kept whole (until OnWebSocketAccepted returns, or always with
   *  KeepRequestHeaders); null once only its target is kept. */
  private upgradeRequest!: HttpRequest | null;
  /** Its raw path and query once the request itself is released (see Request). */
  private requestTarget!: string;
  /** The server (a closed connection no longer points at it). */
  private server: ServerContext;

  constructor(request: HttpRequest, private wsConnection: Connection,
              maxRecvMessageLength: number, waitFrameTimeoutSec: number, maxSendQueueBytes: number) {
    this.upgradeRequest = request;
    this.server = request.server;
    // The bounds most WebSockets share (the first one's, set once on the prototype and never
    // changed) are not stored again by each: a WebSocket owns only bounds that differ.
    if (socketDefaults.maxMessageLength === undefined) socketDefaults.maxMessageLength = maxRecvMessageLength;
    if (socketDefaults.MaxSendQueueBytes === undefined) socketDefaults.MaxSendQueueBytes = maxSendQueueBytes;
    if (maxRecvMessageLength !== this.maxMessageLength) this.maxMessageLength = maxRecvMessageLength;
    if (waitFrameTimeoutSec !== DEFAULT_WAIT_FRAME_TIMEOUT_SEC) this.waitFrameTimeoutSec = waitFrameTimeoutSec;
    if (maxSendQueueBytes !== this.MaxSendQueueBytes) this.MaxSendQueueBytes = maxSendQueueBytes;
    wsConnection.handler = this;
    wsConnection.setTimeout(waitFrameTimeoutSec);
    if (wsConnection.closed) {
      this.phase = 'closed';
      return;
    }
    holdPart(WS_SOCKET_PART.name, 1);
    // The request kept whole is made of the HTTP part: held with it (see releaseRequest).
    holdPart(HTTP_PART.name, 1);
  }

  get IsClosed(): boolean { return this.phase !== 'open'; }

  /**
   * The upgrade request (the original's `webSocket.Request`): path, method, query and address; its
   * header fields only while OnWebSocketAccepted runs, unless KeepRequestHeaders. Once released, an
   * open WebSocket keeps only the request's target and each read builds the request again (a new
   * object each time, `Response` null): a request held for the socket's lifetime cost a board about
   * 20 variables per open WebSocket.
   */
  get Request(): HttpRequest {
    if (this.upgradeRequest !== null) return this.upgradeRequest;
    // Built by the HTTP part, which an idle server has released.
    var http = httpPart(this.server);
    if (http === null) throw new Error('Not enough free memory to load ' + HTTP_PART.name);
    var query = this.requestTarget.indexOf('?');
    var path = query < 0 ? this.requestTarget : this.requestTarget.substring(0, query);
    var head = new http.RequestHead('GET', '1.1', path);
    if (query >= 0) head.query = this.requestTarget.substring(query + 1);
    head.upgrade = true;
    head.keepAlive = true;
    // Back to the shared empty object on RequestHead's prototype: GetHeader answers ''.
    delete (head as any).headers;
    var request: any = new http.HttpRequest(this.server, this.wsConnection, head, http.decodeRequestPath(path) || '/');
    delete request.Response;
    return request;
  }

  /** Keeps only the request's target from here on (after OnWebSocketAccepted; see Request). */
  releaseRequest(): void {
    if (this.upgradeRequest === null) return;
    if (this.phase !== 'closed') holdPart(HTTP_PART.name, -1);
    var head = this.upgradeRequest.head;
    this.requestTarget = head.path + (head.query ? '?' + head.query : '');
    delete (this as any).upgradeRequest;
  }

  get WaitFrameTimeoutSec(): number { return this.waitFrameTimeoutSec; }
  set WaitFrameTimeoutSec(value: number) {
    if (typeof value !== 'number' || value <= 0) throw new Error('WaitFrameTimeoutSec must be a positive number');
    this.waitFrameTimeoutSec = value;
    if (this.phase === 'open' && !this.awaitingPong) this.wsConnection.setTimeout(value);
  }

  /** Largest message accepted; a bigger one closes the connection with 1009 without being buffered. */
  get MaxRecvMessageLength(): number { return this.maxMessageLength; }
  set MaxRecvMessageLength(value: number) {
    if (typeof value !== 'number' || value <= 0) throw new Error('MaxRecvMessageLength must be a positive number');
    this.maxMessageLength = value;
  }

  /** True when a message can be queued now (open, and the send queue under MaxSendQueueBytes). */
  get CanSend(): boolean {
    return this.phase === 'open' && this.wsConnection.pendingBytes < this.MaxSendQueueBytes;
  }

  /** Bytes waiting to be sent. */
  get SendQueueBytes(): number { return this.wsConnection.pendingBytes; }

  /** Sends text (UTF-8). Returns false, sending nothing, when closed or the send queue is full. */
  SendTextMessage(msg: string): boolean {
    if (typeof msg !== 'string') throw new Error('SendTextMessage: msg must be a string');
    return this.sendMessage(OPCODE_TEXT, utf8Encode(msg));
  }

  /**
   * Sends binary data: a Uint8Array or other typed array, an ArrayBuffer, an array of byte values,
   * or a binary string. Returns false, sending nothing, when closed or the send queue is full.
   */
  SendBinaryMessage(msg: any): boolean {
    if (msg === null || msg === undefined) throw new Error('SendBinaryMessage: msg is required');
    return this.sendMessage(OPCODE_BINARY, toBinaryString(msg));
  }

  /** Starts the closing handshake (1000 unless told otherwise); the peer's Close ends the connection. */
  Close(code?: number, reason?: string): void {
    // 1005/1006/1015 only report conditions locally: sent on the wire they make the peer fail us.
    if (code !== undefined && code !== null && !isValidWireCloseCode(code)) throw new Error('Close: invalid close code ' + code);
    if (this.phase !== 'open') return;
    this.phase = 'closing';
    this.wsConnection.send(encodeFrame(OPCODE_CLOSE, closePayload(code || NORMAL, reason)));
    this.wsConnection.setTimeout(this.PongTimeoutSec);
  }

  private sendMessage(opcode: number, payload: string): boolean {
    if (!this.CanSend) return false;
    // Header and payload queue apart: a large payload is sliced where it is, never copied into a frame.
    this.wsConnection.enqueue(frameHeader(opcode, payload.length, true));
    this.wsConnection.enqueue(payload);
    this.wsConnection.flush();
    return true;
  }

  // ---- Connection events ----

  onData(data: string): void {
    delete (this as any).awaitingPong;
    if (this.phase === 'open') this.wsConnection.setTimeout(this.waitFrameTimeoutSec);
    var reader = this.reader || (this.reader = new FrameReader(this, this));
    reader.feed(data);
    if (reader.isAtRest()) delete (this as any).reader;
  }

  onTimeout(): void {
    if (this.phase === 'open' && !this.awaitingPong) {
      this.awaitingPong = true;
      this.wsConnection.send(encodeFrame(OPCODE_PING, ''));
      this.wsConnection.setTimeout(this.PongTimeoutSec);
      return;
    }
    // A peer that answered neither a ping nor our Close is gone.
    if (this.phase === 'open') this.failConnection(GOING_AWAY, 'Peer not responding');
    else this.wsConnection.destroy();
  }

  /** The server stops: a Close with 1001 Going Away where it can go out whole (RFC 6455 §7.4.1). */
  onServerStopping(): void {
    if (this.phase === 'open') this.wsConnection.writeIfIdle(encodeFrame(OPCODE_CLOSE, closePayload(GOING_AWAY, 'Server stopping')));
  }

  onClosed(): void {
    // A request still kept (KeepRequestHeaders) stays readable, but no longer holds the HTTP part.
    if (this.upgradeRequest !== null) holdPart(HTTP_PART.name, -1);
    this.phase = 'closed';
    holdPart(WS_SOCKET_PART.name, -1);
    var callback = this.OnClosed;
    if (callback) {
      try {
        callback(this);
      } catch (e) {
        this.server.logException('WebSocket OnClosed', e);
      }
    }
  }

  // ---- Frame events ----

  onText(text: string): void {
    if (this.phase !== 'open' || !this.OnTextMessage) return;
    try {
      this.OnTextMessage(this, text);
    } catch (e) {
      this.server.logException('WebSocket OnTextMessage', e);
    }
  }

  onBinary(bytes: string): void {
    if (this.phase !== 'open' || !this.OnBinaryMessage) return;
    try {
      this.OnBinaryMessage(this, toUint8Array(bytes));
    } catch (e) {
      this.server.logException('WebSocket OnBinaryMessage', e);
    }
  }

  /**
   * Running out of memory on a board cannot be caught: Espruino aborts the socket's data handler and
   * drops it, leaving the connection open but deaf. Refusing a message the free memory cannot hold
   * (1009, before any of it is buffered) keeps the server answering.
   */
  allowMessage(messageLength: number): boolean {
    if (messageLength < MEMORY_CHECK_MIN_BYTES) return true;
    var needed = (this.server.MemoryReserveVars || 0) + variablesForBytes(messageLength) * MESSAGE_COPIES;
    // Parts nothing holds (the HTTP part once the upgrade is done, files, pages) go before refusing.
    return freeVariables(needed) >= needed || releaseUnheldParts(needed);
  }

  /** RFC 6455 §5.5.3: the pong carries the ping's application data, unmasked. */
  onPing(payload: string): void {
    // Pongs bypass the bound of Send*, so a peer pinging without reading could grow the queue
    // without end: with the queue full, skip them (§5.5.3 lets an endpoint answer only the latest).
    if (this.phase === 'open' && this.wsConnection.pendingBytes < this.MaxSendQueueBytes) {
      this.wsConnection.send(encodeFrame(OPCODE_PONG, payload));
    }
  }

  onPong(payload: string): void {
    delete (this as any).awaitingPong;
  }

  /** The peer closes: echo its code (RFC 6455 §5.5.1), then close TCP once the echo is sent. */
  onClose(code: number | null, reason: string): void {
    if (this.phase === 'open') this.wsConnection.send(encodeFrame(OPCODE_CLOSE, closePayload(code)));
    this.closeAfterQueue();
  }

  onProtocolError(code: number, reason: string): void {
    this.server.Log('WebSocket closed with ' + code + ': ' + reason, 0);
    this.failConnection(code, reason);
  }

  private failConnection(code: number, reason: string): void {
    if (this.phase === 'open') this.wsConnection.send(encodeFrame(OPCODE_CLOSE, closePayload(code, reason)));
    this.closeAfterQueue();
  }

  /** Ends TCP once the queue is sent. A peer that stopped reading would hold it forever, so the
   *  deadline stays armed: when it passes, onTimeout drops the connection and its queue. */
  private closeAfterQueue(): void {
    this.phase = 'closing';
    this.wsConnection.setTimeout(this.PongTimeoutSec);
    this.wsConnection.end();
  }
}

var socketDefaults: any = WebSocket.prototype;
// A server requires masked client frames (RFC 6455 §5.1).
socketDefaults.requireMask = true;
socketDefaults.phase = 'open';
socketDefaults.reader = null;
socketDefaults.upgradeRequest = null;
socketDefaults.awaitingPong = false;
socketDefaults.waitFrameTimeoutSec = DEFAULT_WAIT_FRAME_TIMEOUT_SEC;
socketDefaults.OnTextMessage = null;
socketDefaults.OnBinaryMessage = null;
socketDefaults.OnClosed = null;
socketDefaults.PongTimeoutSec = DEFAULT_PONG_TIMEOUT_SEC;
