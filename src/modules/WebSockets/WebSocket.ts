// One accepted WebSocket: owns the connection after the 101 response, reads frames with
// FrameReader, writes them with FrameWriter, and gives the application the original's API.
//
// Sending is bounded: messages queue on the connection (sent a slice per 'drain'), and once
// MaxSendQueueBytes are waiting, Send* returns false and drops the message instead of letting a slow
// reader grow the queue until the board runs out of memory. `CanSend` tells beforehand.
//
// Idle peers: when no frame arrives for WaitFrameTimeoutSec, the server sends a ping; a peer that
// does not answer anything within PongTimeoutSec is taken as dead and the connection is closed.

import { Connection, ConnectionHandler } from '../../transport/Connection';
import { FrameReader, FrameReaderEvents, FrameReaderOptions } from './FrameReader';
import { closePayload, encodeFrame, frameHeader, OPCODE_BINARY, OPCODE_CLOSE, OPCODE_PING, OPCODE_PONG, OPCODE_TEXT } from './FrameWriter';
import { GOING_AWAY, NORMAL } from './closeCodes';
import { utf8Encode } from '../../text/utf8';
import { toBinaryString } from '../../text/binary';

type WebSocketPhase = 'open' | 'closing' | 'closed';

/** Binary messages reach OnBinaryMessage as a Uint8Array (the original's memoryview). */
function toUint8Array(bytes: string): Uint8Array {
  if (typeof E !== 'undefined' && E.toUint8Array) return E.toUint8Array(bytes);
  var array = new Uint8Array(bytes.length);
  for (var i = 0; i < bytes.length; i++) array[i] = bytes.charCodeAt(i);
  return array;
}

export class WebSocket implements ConnectionHandler, FrameReaderEvents {
  private reader: FrameReader;
  /** Shared with the reader, which reads the limit afresh for every frame. */
  private readerOptions: FrameReaderOptions;
  private phase: WebSocketPhase = 'open';
  private awaitingPong = false;
  private waitFrameTimeoutSec: number;
  OnTextMessage: ((webSocket: WebSocket, msg: string) => void) | null = null;
  OnBinaryMessage: ((webSocket: WebSocket, msg: Uint8Array) => void) | null = null;
  OnClosed: ((webSocket: WebSocket) => void) | null = null;
  /** Bytes allowed to wait in the send queue before Send* refuses messages. */
  MaxSendQueueBytes: number;
  /** Seconds a pinged idle peer has to answer before the connection is closed. */
  PongTimeoutSec: number;

  constructor(readonly microWebSrv2: any, readonly Request: any, private connection: Connection,
              maxRecvMessageLength: number, waitFrameTimeoutSec: number, maxSendQueueBytes: number) {
    this.readerOptions = { maxMessageLength: maxRecvMessageLength, requireMask: true };
    this.reader = new FrameReader(this.readerOptions, this);
    this.waitFrameTimeoutSec = waitFrameTimeoutSec;
    this.MaxSendQueueBytes = maxSendQueueBytes;
    this.PongTimeoutSec = microWebSrv2.RequestsTimeoutSec > 5 ? microWebSrv2.RequestsTimeoutSec : 5;
    connection.handler = this;
    connection.setTimeout(waitFrameTimeoutSec);
  }

  get IsClosed(): boolean { return this.phase !== 'open'; }

  get WaitFrameTimeoutSec(): number { return this.waitFrameTimeoutSec; }
  set WaitFrameTimeoutSec(value: number) {
    if (typeof value !== 'number' || value <= 0) throw new Error('WaitFrameTimeoutSec must be a positive number');
    this.waitFrameTimeoutSec = value;
    if (this.phase === 'open' && !this.awaitingPong) this.connection.setTimeout(value);
  }

  /** Largest message accepted; a bigger one closes the connection with 1009 without being buffered. */
  get MaxRecvMessageLength(): number { return this.readerOptions.maxMessageLength; }
  set MaxRecvMessageLength(value: number) {
    if (typeof value !== 'number' || value <= 0) throw new Error('MaxRecvMessageLength must be a positive number');
    this.readerOptions.maxMessageLength = value;
  }

  /** True when a message can be queued now (open, and the send queue under MaxSendQueueBytes). */
  get CanSend(): boolean {
    return this.phase === 'open' && this.connection.pendingBytes < this.MaxSendQueueBytes;
  }

  /** Bytes waiting to be sent. */
  get SendQueueBytes(): number { return this.connection.pendingBytes; }

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
    if (this.phase !== 'open') return;
    this.phase = 'closing';
    this.connection.send(encodeFrame(OPCODE_CLOSE, closePayload(code || NORMAL, reason)));
    this.connection.setTimeout(this.PongTimeoutSec);
  }

  private sendMessage(opcode: number, payload: string): boolean {
    if (!this.CanSend) return false;
    // Header and payload queue apart: a large payload is sliced where it is, never copied into a frame.
    this.connection.enqueue(frameHeader(opcode, payload.length, true));
    this.connection.enqueue(payload);
    this.connection.flush();
    return true;
  }

  // ---- Connection events ----

  onData(data: string): void {
    this.awaitingPong = false;
    if (this.phase === 'open') this.connection.setTimeout(this.waitFrameTimeoutSec);
    this.reader.feed(data);
  }

  onTimeout(): void {
    if (this.phase === 'open' && !this.awaitingPong) {
      this.awaitingPong = true;
      this.connection.send(encodeFrame(OPCODE_PING, ''));
      this.connection.setTimeout(this.PongTimeoutSec);
      return;
    }
    // A peer that answered neither a ping nor our Close is gone.
    if (this.phase === 'open') this.failConnection(GOING_AWAY, 'Peer not responding');
    else this.connection.destroy();
  }

  onClosed(): void {
    this.phase = 'closed';
    var callback = this.OnClosed;
    if (callback) {
      try {
        callback(this);
      } catch (e) {
        this.microWebSrv2.logException('WebSocket OnClosed', e);
      }
    }
  }

  // ---- Frame events ----

  onText(text: string): void {
    if (this.phase !== 'open' || !this.OnTextMessage) return;
    try {
      this.OnTextMessage(this, text);
    } catch (e) {
      this.microWebSrv2.logException('WebSocket OnTextMessage', e);
    }
  }

  onBinary(bytes: string): void {
    if (this.phase !== 'open' || !this.OnBinaryMessage) return;
    try {
      this.OnBinaryMessage(this, toUint8Array(bytes));
    } catch (e) {
      this.microWebSrv2.logException('WebSocket OnBinaryMessage', e);
    }
  }

  /** RFC 6455 §5.5.3: the pong carries the ping's application data, unmasked. */
  onPing(payload: string): void {
    if (this.phase === 'open') this.connection.send(encodeFrame(OPCODE_PONG, payload));
  }

  onPong(payload: string): void {
    this.awaitingPong = false;
  }

  /** The peer closes: echo its code (RFC 6455 §5.5.1), then close TCP once the echo is sent. */
  onClose(code: number | null, reason: string): void {
    if (this.phase === 'open') this.connection.send(encodeFrame(OPCODE_CLOSE, closePayload(code)));
    this.phase = 'closing';
    this.connection.end();
  }

  onProtocolError(code: number, reason: string): void {
    this.microWebSrv2.Log('WebSocket closed with ' + code + ': ' + reason, 0);
    this.failConnection(code, reason);
  }

  private failConnection(code: number, reason: string): void {
    if (this.phase === 'open') this.connection.send(encodeFrame(OPCODE_CLOSE, closePayload(code, reason)));
    this.phase = 'closing';
    this.connection.end();
  }
}
