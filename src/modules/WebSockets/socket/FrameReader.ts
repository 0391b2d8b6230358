// Receives WebSocket frames (RFC 6455 §5) from a peer: a state machine fed binary strings that may
// split anywhere, even one byte at a time. It reassembles fragmented messages, unmasks payloads,
// validates UTF-8 and reports the first protocol violation with the close code to answer it with;
// it never touches a socket. No extension is ever negotiated, so RSV bits are always an error.

import { utf8Decode } from '../../../core/text/utf8';
import { isValidWireCloseCode, PROTOCOL_ERROR, INVALID_PAYLOAD, MESSAGE_TOO_BIG } from './closeCodes';

export interface FrameReaderOptions {
  /** Largest message accepted, in bytes (the sum of its fragments). A frame header announcing more
   *  fails the reader with 1009 before any of that payload is buffered. @internal */
  maxMessageLength: number;
  /** True on a server: RFC 6455 §5.1 requires every client frame to be masked (else 1002). @internal */
  requireMask: boolean;
}

export interface FrameReaderEvents {
  /** A complete, reassembled, UTF-8-validated and decoded message (may be ''). */
  onText(text: string): void;
  /** A complete, reassembled message as a binary string (may be ''). */
  onBinary(bytes: string): void;
  /** Unmasked application data (binary string), at most 125 bytes. */
  onPing(payload: string): void;
  onPong(payload: string): void;
  /** The peer's Close frame; code is null when the frame had no body. The reader then stops. */
  onClose(code: number | null, reason: string): void;
  /** 1002 / 1007 / 1009: the peer broke the protocol; the reader stops for good. */
  onProtocolError(code: number, reason: string): void;
  /** Optional: asked before a data frame's payload is read, with the message's length so far
   *  plus this frame's; false fails the reader with 1009 before any of it is buffered. */
  allowMessage?: (messageLength: number) => boolean;
}

var OPCODE_CONTINUATION = 0, OPCODE_BINARY = 2, OPCODE_CLOSE = 8, OPCODE_PING = 9, OPCODE_PONG = 10;
var MAX_CONTROL_PAYLOAD = 125;
var TWO_POW_32 = 4294967296;
/** 2^53 is the largest length a JavaScript number still holds exactly. */
var MAX_LENGTH_HIGH_WORD = 0x200000;
/** Bytes unmasked per String.fromCharCode.apply call when Espruino's typed array path is absent. */
var UNMASK_BLOCK = 256;
/** Bytes each header state waits for before it can be parsed in one go. */
var HEADER_PART_LENGTHS: { [state: string]: number } = { header: 2, length16: 2, length64: 8, mask: 4 };

// Why fields are declared but set on the prototype (end of file): on a board every property an
// object owns costs variables, and an idle reader sits between frames for most of its life. So
// per-frame and per-message fields fall back to the prototype's defaults (`delete`) once used, and
// an idle reader owns only its options and events.
export class FrameReader {
  /** Read afresh for every frame, so a new limit applies from the next frame on. */
  readonly options: FrameReaderOptions;
  private events: FrameReaderEvents;
  private current!: string;
  /** Header bytes not yet complete; always empty while reading a payload. */
  private pending!: string;
  /** First header byte: FIN, RSV and opcode of the frame being read. */
  private head!: number;
  private masked!: boolean;
  private maskKey!: string;
  private payloadLength!: number;
  private payloadReceived!: number;
  /** Opcode of the fragmented message in progress, 0 when none. */
  private messageOpcode!: number;
  /** Unmasked data of the message in progress (all fragments so far). */
  private message!: string;
  /** Unmasked payload of the control frame being read, kept apart from a message it interrupts. */
  private control!: string;

  constructor(options: FrameReaderOptions, events: FrameReaderEvents) {
    this.options = options;
    this.events = events;
  }

  /** 'header' | 'length16' | 'length64' | 'mask' | 'payload' | 'closed' | 'failed' */
  get state(): string {
    return this.current;
  }

  /** True between messages: no frame or fragmented message under way, open. Such a reader holds
   *  nothing, so its owner may drop it and start a new one for the next frame. */
  isAtRest(): boolean {
    return this.current === 'header' && this.pending === '' && this.messageOpcode === 0;
  }

  feed(chunk: string): void {
    if (this.current === 'closed' || this.current === 'failed') return;
    var data = this.pending === '' ? chunk : this.pending + chunk;
    delete (this as any).pending;
    var pos = 0;
    while (pos < data.length) {
      var state = this.current;
      if (state === 'payload') {
        pos = this.readPayload(data, pos);
        continue;
      }
      var needed = HEADER_PART_LENGTHS[state];
      if (!needed) return; // closed or failed by the previous step
      if (data.length - pos < needed) {
        this.pending = data.substring(pos);
        return;
      }
      if (state === 'header') this.readHeader(data.charCodeAt(pos), data.charCodeAt(pos + 1));
      else if (state === 'length16') this.readLength16(data.charCodeAt(pos) * 256 + data.charCodeAt(pos + 1));
      else if (state === 'length64') this.readLength64(uint32At(data, pos), uint32At(data, pos + 4));
      else {
        this.maskKey = data.substring(pos, pos + 4);
        this.startPayload();
      }
      pos += needed;
    }
  }

  private readHeader(first: number, second: number): void {
    var opcode = first & 0x0f;
    this.head = first;
    if (second & 0x80) this.masked = true;
    if (first & 0x70) return this.fail(PROTOCOL_ERROR, 'RSV bits set without a negotiated extension');
    if (opcode >= OPCODE_CLOSE) {
      if (opcode > OPCODE_PONG) return this.fail(PROTOCOL_ERROR, 'Unknown opcode ' + opcode);
      if (!(first & 0x80)) return this.fail(PROTOCOL_ERROR, 'Fragmented control frame');
      if ((second & 0x7f) > MAX_CONTROL_PAYLOAD) return this.fail(PROTOCOL_ERROR, 'Control frame payload over 125 bytes');
    } else if (opcode > OPCODE_BINARY) {
      return this.fail(PROTOCOL_ERROR, 'Unknown opcode ' + opcode);
    } else if (opcode === OPCODE_CONTINUATION) {
      if (this.messageOpcode === 0) return this.fail(PROTOCOL_ERROR, 'Continuation frame without a message to continue');
    } else if (this.messageOpcode !== 0) {
      return this.fail(PROTOCOL_ERROR, 'New message while a fragmented message is in progress');
    }
    if (this.options.requireMask && !this.masked) return this.fail(PROTOCOL_ERROR, 'Unmasked client frame');
    var length = second & 0x7f;
    if (length === 126) this.current = 'length16';
    else if (length === 127) this.current = 'length64';
    else this.acceptLength(length);
  }

  private readLength16(length: number): void {
    if (length < 126) return this.fail(PROTOCOL_ERROR, 'Payload length not minimally encoded');
    this.acceptLength(length);
  }

  private readLength64(high: number, low: number): void {
    if (high >= 0x80000000) return this.fail(PROTOCOL_ERROR, 'Payload length with the most significant bit set');
    if (high > MAX_LENGTH_HIGH_WORD || high === MAX_LENGTH_HIGH_WORD && low > 0) {
      return this.fail(MESSAGE_TOO_BIG, 'Payload length over 2^53');
    }
    if (high === 0 && low < 65536) return this.fail(PROTOCOL_ERROR, 'Payload length not minimally encoded');
    this.acceptLength(high * TWO_POW_32 + low);
  }

  private acceptLength(length: number): void {
    var opcode = this.head & 0x0f;
    if (opcode < OPCODE_CLOSE) {
      // Continuations add to what earlier fragments already brought; a new message starts from zero.
      var messageLength = (opcode === OPCODE_CONTINUATION ? this.message.length : 0) + length;
      if (messageLength > this.options.maxMessageLength) {
        return this.fail(MESSAGE_TOO_BIG, 'Message over ' + this.options.maxMessageLength + ' bytes');
      }
      if (length > 0 && this.events.allowMessage && !this.events.allowMessage(messageLength)) {
        return this.fail(MESSAGE_TOO_BIG, 'Not enough free memory for a message of ' + messageLength + ' bytes');
      }
      if (opcode !== OPCODE_CONTINUATION) {
        this.messageOpcode = opcode;
        delete (this as any).message;
      }
    }
    this.payloadLength = length;
    if (this.masked) this.current = 'mask';
    else this.startPayload();
  }

  private startPayload(): void {
    // An empty payload ends the frame now: no later byte would come to trigger it.
    if (this.payloadLength > 0) {
      this.current = 'payload';
      return;
    }
    delete (this as any).current;
    this.endFrame();
  }

  /** Consumes as much of the payload as `data` holds from `pos`; returns the new position. */
  private readPayload(data: string, pos: number): number {
    var take = Math.min(this.payloadLength - this.payloadReceived, data.length - pos);
    if (take > 0) {
      var slice = data.substring(pos, pos + take);
      if (this.masked) slice = unmask(slice, this.maskKey, this.payloadReceived);
      if ((this.head & 0x0f) >= OPCODE_CLOSE) this.control += slice;
      else this.message += slice;
      this.payloadReceived += take;
    }
    if (this.payloadReceived === this.payloadLength) {
      delete (this as any).current;
      this.endFrame();
    }
    return pos + take;
  }

  private endFrame(): void {
    var head = this.head;
    var opcode = head & 0x0f;
    var control = this.control;
    this.forgetFrame();
    if (opcode === OPCODE_CLOSE) return this.readClose(control);
    if (opcode === OPCODE_PING || opcode === OPCODE_PONG) {
      if (opcode === OPCODE_PING) this.events.onPing(control);
      else this.events.onPong(control);
      return;
    }
    if (!(head & 0x80)) return;
    var message = this.message;
    var messageOpcode = this.messageOpcode;
    delete (this as any).message;
    delete (this as any).messageOpcode;
    if (messageOpcode === OPCODE_BINARY) return this.events.onBinary(message);
    var text = utf8Decode(message);
    if (text === null) return this.fail(INVALID_PAYLOAD, 'Text message is not valid UTF-8');
    this.events.onText(text);
  }

  /** Back to the prototype's defaults for everything about the frame just read. */
  private forgetFrame(): void {
    delete (this as any).head;
    delete (this as any).masked;
    delete (this as any).maskKey;
    delete (this as any).payloadLength;
    delete (this as any).payloadReceived;
    delete (this as any).control;
  }

  private readClose(body: string): void {
    if (body.length === 0) return this.closed(null, '');
    if (body.length === 1) return this.fail(PROTOCOL_ERROR, 'Close frame body of one byte');
    var code = body.charCodeAt(0) * 256 + body.charCodeAt(1);
    if (!isValidWireCloseCode(code)) return this.fail(PROTOCOL_ERROR, 'Invalid close code ' + code);
    var reason = utf8Decode(body.substring(2));
    if (reason === null) return this.fail(INVALID_PAYLOAD, 'Close reason is not valid UTF-8');
    this.closed(code, reason);
  }

  private closed(code: number | null, reason: string): void {
    this.current = 'closed';
    delete (this as any).message;
    this.events.onClose(code, reason);
  }

  private fail(code: number, reason: string): void {
    this.current = 'failed';
    delete (this as any).pending;
    delete (this as any).message;
    this.forgetFrame();
    this.events.onProtocolError(code, reason);
  }
}

var readerDefaults: any = FrameReader.prototype;
readerDefaults.current = 'header';
readerDefaults.pending = '';
readerDefaults.head = 0;
readerDefaults.masked = false;
readerDefaults.maskKey = '';
readerDefaults.payloadLength = 0;
readerDefaults.payloadReceived = 0;
readerDefaults.messageOpcode = 0;
readerDefaults.message = '';
readerDefaults.control = '';

/** Big-endian unsigned 32-bit value; multiplications rather than shifts, which would go negative. */
function uint32At(data: string, pos: number): number {
  return ((data.charCodeAt(pos) * 256 + data.charCodeAt(pos + 1)) * 256 + data.charCodeAt(pos + 2)) * 256 +
    data.charCodeAt(pos + 3);
}

/** The mask as one 32-bit word in the machine's byte order (written as bytes, read as a word, so
 *  no endianness is assumed); allocated on first use and reused. */
var keyWord: Uint32Array | null = null;

/** XORs `data` with the 4-byte key, `offset` bytes into the payload (chunks split it anywhere). */
function unmask(data: string, key: string, offset: number): string {
  var shift = offset % 4;
  var i: number;
  if (typeof E !== 'undefined' && E.toUint8Array) {
    // Espruino runs about 20,000 loop iterations a second: XOR whole 32-bit words (the mask repeats
    // every 4 bytes) on flat typed arrays, 4 bytes an iteration instead of one char code at a time.
    var length = data.length;
    var source = E.toUint8Array(data);
    if (source && source.length === length) {
      var words = new Uint32Array((length + 3) >> 2);
      new Uint8Array(words.buffer).set(source);
      if (keyWord === null) keyWord = new Uint32Array(1);
      var keyBytes = new Uint8Array(keyWord.buffer);
      for (i = 0; i < 4; i++) keyBytes[i] = key.charCodeAt((i + shift) & 3);
      var mask = keyWord[0];
      for (i = 0; i < words.length; i++) words[i] ^= mask;
      var native = E.toString(new Uint8Array(words.buffer, 0, length));
      if (typeof native === 'string' && native.length === length) return native;
    }
  }
  var out = '';
  var block: number[] = [];
  for (var start = 0; start < data.length; start += UNMASK_BLOCK) {
    var end = Math.min(start + UNMASK_BLOCK, data.length);
    if (block.length !== end - start) block = new Array(end - start);
    for (i = start; i < end; i++) block[i - start] = data.charCodeAt(i) ^ key.charCodeAt((i + shift) & 3);
    out += String.fromCharCode.apply(null, block);
  }
  return out;
}
