// Builds the frames a server sends (RFC 6455 §5.2). A server never masks, so a frame is only a
// header in front of the payload, and callers can write the header and a large payload separately
// instead of joining them into one more big string.

import { utf8Encode } from '../../../core/text/utf8';
import { toBinaryString } from '../../../core/text/binary';

export var OPCODE_CONTINUATION = 0, OPCODE_TEXT = 1, OPCODE_BINARY = 2, OPCODE_CLOSE = 8, OPCODE_PING = 9, OPCODE_PONG = 10;

/** A Close body holds at most 125 bytes, two of which are the code. */
var MAX_CLOSE_REASON_BYTES = 123;
var TWO_POW_32 = 4294967296;

/** Header bytes (binary string) for one unmasked frame: FIN + opcode + 7/16/64-bit length. Lengths up to 2^53. */
export function frameHeader(opcode: number, payloadLength: number, fin: boolean): string {
  var first = String.fromCharCode((fin ? 0x80 : 0) | (opcode & 0x0f));
  if (payloadLength < 126) return first + String.fromCharCode(payloadLength);
  if (payloadLength < 65536) {
    return first + String.fromCharCode(126, payloadLength >> 8, payloadLength & 0xff);
  }
  // Bit operators work on 32 bits only, so the 64-bit length is written as two 32-bit halves.
  var high = Math.floor(payloadLength / TWO_POW_32);
  var low = payloadLength - high * TWO_POW_32;
  return first + String.fromCharCode(127) + uint32Bytes(high) + uint32Bytes(low);
}

function uint32Bytes(value: number): string {
  return String.fromCharCode((value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

/** A whole frame: header + payload (binary string). */
export function encodeFrame(opcode: number, payload: string, fin?: boolean): string {
  return frameHeader(opcode, payload.length, fin !== false) + payload;
}

/** Close frame payload: 2-byte code + UTF-8 reason truncated so the payload stays <= 125 bytes (never cut
 *  inside a UTF-8 sequence). code null -> empty payload. */
export function closePayload(code: number | null, reason?: string): string {
  if (code === null || code === undefined) return '';
  var reasonBytes = reason ? utf8Encode(reason) : '';
  if (reasonBytes.length > MAX_CLOSE_REASON_BYTES) {
    var cut = MAX_CLOSE_REASON_BYTES;
    // A byte 10xxxxxx continues a sequence: cutting before it would leave a truncated character.
    while (cut > 0 && (reasonBytes.charCodeAt(cut) & 0xc0) === 0x80) cut--;
    reasonBytes = reasonBytes.substring(0, cut);
  }
  return String.fromCharCode((code >> 8) & 0xff, code & 0xff) + reasonBytes;
}

export { toBinaryString };
