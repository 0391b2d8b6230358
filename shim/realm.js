'use strict';
// The vm context that plays the part of the Espruino interpreter: a fresh V8 realm trimmed down to
// what Espruino 2v29 offers, with the few built-ins whose behaviour differs patched to Espruino's.
// Deleting from the context's intrinsics does not touch Node's own (each realm has its own copies).
const vm = require('node:vm');
const { KEPT_PROPERTIES, ALWAYS_KEPT, RELEASE_GLOBALS } = require('./espruino-builtins');
const { stringToBytes } = require('./binary');

/**
 * @typedef {object} Realm
 * @property {vm.Context} context
 * @property {any} global the context's global object
 * @property {Record<string, any>} intrinsics constructors of the context (Object, Array, Error, ...)
 * @property {(value: any) => any} adopt deep copy of a plain Node value into context objects
 */

const INTRINSIC_NAMES = ['Object', 'Function', 'Array', 'String', 'Number', 'Boolean', 'Math', 'JSON', 'Date',
  'Promise', 'ArrayBuffer', 'Uint8Array', 'DataView', 'RegExp', 'Error', 'TypeError', 'SyntaxError', 'ReferenceError'];

// Runs inside the context, before any trimming, so it still sees every intrinsic it patches.
const PATCH_SOURCE = `(function () {
  function hide(target, name, value) {
    Object.defineProperty(target, name, { value: value, writable: true, configurable: true, enumerable: false });
  }
  // Espruino ignores split's limit argument.
  var nativeSplit = String.prototype.split;
  hide(String.prototype, 'split', function split(separator) { return nativeSplit.call(this, separator); });
  // Espruino: "propertiesObject is not supported yet".
  var nativeCreate = Object.create;
  hide(Object, 'create', function create(proto, properties) {
    if (properties !== undefined) throw new Error('propertiesObject is not supported yet');
    return nativeCreate(proto);
  });
  // Espruino ignores JSON.stringify's replacer and JSON.parse's reviver.
  var nativeStringify = JSON.stringify, nativeParse = JSON.parse;
  hide(JSON, 'stringify', function stringify(value, replacer, space) { return nativeStringify(value, undefined, space); });
  hide(JSON, 'parse', function parse(text) { return nativeParse(text); });
  // Espruino's own error class, thrown for failed socket creation among others.
  var InternalError = (function () { class InternalError extends Error {} return InternalError; })();
  hide(globalThis, 'InternalError', InternalError);
  // Espruino errors have no 'name'; toString still says which class they are.
  var classes = { Error: Error, TypeError: TypeError, SyntaxError: SyntaxError, ReferenceError: ReferenceError,
    InternalError: InternalError };
  Object.keys(classes).forEach(function (className) {
    var proto = classes[className].prototype;
    delete proto.name;
    hide(proto, 'toString', function toString() {
      return this.message === undefined || this.message === '' ? className : className + ': ' + this.message;
    });
  });
  delete Error.captureStackTrace;
})()`;

function pruneOwnProperties(target, keep) {
  const kept = new Set(keep.concat(ALWAYS_KEPT));
  for (const key of Object.getOwnPropertyNames(target)) {
    if (!kept.has(key)) Reflect.deleteProperty(target, key);
  }
}

function builtInByPath(intrinsics, typedArray, path) {
  const [head, tail] = path.split('.');
  const base = head === '%TypedArray%' ? typedArray : intrinsics[head];
  return tail ? base[tail] : base;
}

/** Espruino's encodeURIComponent: bytes above 0x7F come out garbled exactly as on the board. */
function espruinoEncodeURIComponent(value) {
  const bytes = stringToBytes(String(value));
  let out = '';
  for (const byte of bytes) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9_\-.!~*'()]/.test(ch)) { out += ch; continue; }
    // Espruino shifts a *signed* char, so for bytes >= 0x80 the high digit is computed from 0x0FFFFFFx.
    const high = byte >= 0x80 ? ((byte >> 4) + 0x27) & 0xff : (byte >> 4 > 9 ? 0x37 + (byte >> 4) : 0x30 + (byte >> 4));
    const low = byte & 15;
    out += '%' + String.fromCharCode(high) + String.fromCharCode(low > 9 ? 0x37 + low : 0x30 + low);
  }
  return out;
}

function digitValue(code) {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x7a) return code - 0x61 + 10;
  if (code >= 0x41 && code <= 0x5a) return code - 0x41 + 10;
  return -1;
}

/** Espruino's decodeURIComponent: ASCII only, so a multi-byte UTF-8 escape throws 'Invalid URI'. */
function makeDecodeURIComponent(ErrorClass) {
  return function decodeURIComponent(value) {
    const text = String(value);
    let out = '';
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch > 0x7f) throw new ErrorClass('ASCII only');
      if (ch !== 0x25) { out += text[i]; continue; }
      const high = i + 1 < text.length ? digitValue(text.charCodeAt(i + 1)) : -1;
      const low = i + 2 < text.length ? digitValue(text.charCodeAt(i + 2)) : -1;
      i += 2;
      // Espruino keeps the decoded value as a signed char, so anything >= 0x80 counts as invalid too.
      const decoded = high < 0 || low < 0 ? -1 : ((high << 4) | low) & 0xff;
      if (decoded < 0 || decoded > 0x7f) throw new ErrorClass('Invalid URI');
      out += String.fromCharCode(decoded);
    }
    return out;
  };
}

/** @returns {Realm} */
function createRealm() {
  const context = vm.createContext({});
  vm.runInContext(PATCH_SOURCE, context);
  const global = vm.runInContext('globalThis', context);
  const intrinsics = vm.runInContext('({' + INTRINSIC_NAMES.join(',') + ', InternalError: InternalError})', context);
  const typedArray = Object.getPrototypeOf(intrinsics.Uint8Array);

  for (const path of Object.keys(KEPT_PROPERTIES)) {
    pruneOwnProperties(builtInByPath(intrinsics, typedArray, path), KEPT_PROPERTIES[path]);
  }
  // Every global the release lacks goes (Map, Symbol, RangeError, ...; 'undefined' cannot), and
  // console too: the shim brings Espruino's.
  const releaseGlobals = new Set(RELEASE_GLOBALS);
  for (const name of Object.getOwnPropertyNames(global)) {
    if (name === 'console' || !releaseGlobals.has(name)) Reflect.deleteProperty(global, name);
  }

  define(global, 'encodeURIComponent', espruinoEncodeURIComponent);
  define(global, 'decodeURIComponent', makeDecodeURIComponent(intrinsics.Error));
  define(global, 'global', global);

  const makeObject = vm.runInContext('(function () { return {}; })', context);
  const makeArray = vm.runInContext('(function () { return []; })', context);

  /** Copies a Node value (plain objects, arrays, Dates, primitives) into objects of the context. */
  function adopt(value) {
    if (value === null || typeof value !== 'object') return value;
    if (value instanceof Date) return new intrinsics.Date(value.getTime());
    if (Array.isArray(value)) {
      const array = makeArray();
      for (const item of value) array.push(adopt(item));
      return array;
    }
    const object = makeObject();
    for (const key of Object.keys(value)) object[key] = adopt(value[key]);
    return object;
  }

  return { context, global, intrinsics, adopt, makeObject, makeArray };
}

/** Defines a non-enumerable global or method, as Espruino's built-ins are. */
function define(target, name, value) {
  Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
}

module.exports = { createRealm, define, espruinoEncodeURIComponent };
