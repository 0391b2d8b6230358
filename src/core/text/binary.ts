// Binary data as Espruino handles it best: binary strings (one char per byte). Users may hand the
// server ArrayBuffers, typed arrays, DataViews or arrays of byte values; they all become a binary
// string once, here.

/** Bytes converted per String.fromCharCode.apply call: keeps the argument list (and its vars) small. */
var CHARS_PER_BLOCK = 256;

/** Converts what a user may send as binary into a binary string: a binary string as is, ArrayBuffer, any typed
 *  array (Uint8Array, Int16Array... uses its bytes: byteOffset/byteLength), DataView, or a plain array of byte numbers. */
export function toBinaryString(data: any): string {
  if (typeof data === 'string') return data;
  if (Array.isArray(data)) return bytesToString(data);
  var bytes: Uint8Array;
  if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
  else if (data && data.buffer instanceof ArrayBuffer && typeof data.byteLength === 'number') {
    bytes = new Uint8Array(data.buffer, data.byteOffset || 0, data.byteLength);
  } else {
    throw new TypeError('Binary data must be a string, an ArrayBuffer, a typed array, a DataView or an array of bytes');
  }
  // Espruino converts natively, without an array of numbers per block.
  if (typeof E !== 'undefined' && E.toString) {
    var native = E.toString(bytes);
    // Anything but a string of the right length (no memory for it, a partial shim) takes the slow loop.
    if (typeof native === 'string' && native.length === bytes.length) return native;
  }
  return bytesToString(bytes);
}

/** Works on plain arrays and typed arrays alike; values outside 0-255 keep their low byte. */
function bytesToString(bytes: { length: number; [index: number]: number }): string {
  var out = '';
  var block: number[] = [];
  for (var start = 0; start < bytes.length; start += CHARS_PER_BLOCK) {
    var end = Math.min(start + CHARS_PER_BLOCK, bytes.length);
    if (block.length !== end - start) block = new Array(end - start);
    for (var i = start; i < end; i++) block[i - start] = bytes[i] & 0xff;
    out += String.fromCharCode.apply(null, block);
  }
  return out;
}

/** True for the binary containers toBinaryString accepts (not strings). */
export function isBinaryData(data: any): boolean {
  return data instanceof ArrayBuffer || Array.isArray(data) ||
    (data !== null && typeof data === 'object' && data.buffer instanceof ArrayBuffer);
}
