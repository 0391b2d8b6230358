'use strict';
// Espruino strings are binary: one char per byte. These helpers convert between such strings, the
// byte sources Espruino accepts (arrays, typed arrays, ArrayBuffers, numbers) and Node Buffers.
// Values come from the vm context (another realm), so nothing here relies on `instanceof`.

const ESCAPE_UTF8_ABOVE = 0xff;

/**
 * Bytes of a string as Espruino stores it: chars up to 0xFF are one byte each; a char above 0xFF
 * (only possible in text that came from Node) is stored as UTF-8, as Espruino's Unicode strings are.
 * @param {string} str
 * @returns {Buffer}
 */
function stringToBytes(str) {
  let wide = false;
  for (let i = 0; i < str.length; i++) {
    if (str.charCodeAt(i) > ESCAPE_UTF8_ABOVE) { wide = true; break; }
  }
  if (!wide) return Buffer.from(str, 'latin1');
  const parts = [];
  let runStart = 0;
  for (let i = 0; i < str.length; i++) {
    if (str.charCodeAt(i) <= ESCAPE_UTF8_ABOVE) continue;
    parts.push(Buffer.from(str.slice(runStart, i), 'latin1'));
    const code = str.codePointAt(i);
    const width = code > 0xffff ? 2 : 1;
    parts.push(Buffer.from(str.slice(i, i + width), 'utf8'));
    i += width - 1;
    runStart = i + 1;
  }
  parts.push(Buffer.from(str.slice(runStart), 'latin1'));
  return Buffer.concat(parts);
}

/** @param {Uint8Array} bytes @returns {string} a binary string */
function bytesToString(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function isArrayBuffer(value) {
  return Object.prototype.toString.call(value) === '[object ArrayBuffer]';
}

function isArrayBufferView(value) {
  return ArrayBuffer.isView(value);
}

function isArrayLike(value) {
  return Array.isArray(value);
}

/**
 * Espruino's "iterate bytes" of one value, as used by E.toString, E.toUint8Array, btoa, Storage.write:
 * a string gives its bytes, a number one byte (value & 255), arrays and typed arrays their elements
 * as bytes, an ArrayBuffer its bytes, `{data, count}` the data repeated.
 * @param {*} value
 * @param {(message: string) => Error} makeTypeError
 * @returns {number[]|Buffer}
 */
function iterateBytes(value, makeTypeError) {
  if (typeof value === 'string') return stringToBytes(value);
  if (typeof value === 'number') return [value & 0xff];
  if (typeof value === 'boolean') return [value ? 1 : 0];
  if (isArrayBuffer(value)) return Buffer.from(new Uint8Array(value));
  if (isArrayBufferView(value)) {
    if (value.length === undefined) { // a DataView: its bytes
      return Buffer.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    }
    const out = [];
    for (let i = 0; i < value.length; i++) out.push(Number(value[i]) & 0xff);
    return out;
  }
  if (isArrayLike(value)) {
    const out = [];
    for (let i = 0; i < value.length; i++) {
      const item = iterateBytes(value[i], makeTypeError);
      for (let j = 0; j < item.length; j++) out.push(item[j]);
    }
    return out;
  }
  if (value && typeof value === 'object' && 'data' in value && 'count' in value) {
    const once = iterateBytes(value.data, makeTypeError);
    const out = [];
    for (let n = 0; n < value.count; n++) for (let j = 0; j < once.length; j++) out.push(once[j]);
    return out;
  }
  if (value === undefined || value === null) return [];
  throw makeTypeError('If specifying an object, it must be of the form {data : ..., count : N} or {callback : fn}');
}

/**
 * All arguments concatenated as bytes (E.toString / E.toUint8Array semantics).
 * @param {ArrayLike<*>} args
 * @param {(message: string) => Error} makeTypeError
 * @returns {Buffer}
 */
function argumentsToBytes(args, makeTypeError) {
  const parts = [];
  for (let i = 0; i < args.length; i++) parts.push(Buffer.from(iterateBytes(args[i], makeTypeError)));
  return Buffer.concat(parts);
}

module.exports = {
  stringToBytes,
  bytesToString,
  isArrayBuffer,
  isArrayBufferView,
  iterateBytes,
  argumentsToBytes,
};
