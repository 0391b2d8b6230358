'use strict';
// What Espruino 2v29 offers on each built-in, taken from the `/*JSON{...}*/` declarations in its
// src/jswrap_*.c (the interpreter's own API table) and checked against the measured language table
// (the project's reference notes on Espruino 2v29's language support). The vm context keeps only these names,
// so code that uses anything else fails in the shim as it would on the board.

/** Global names Espruino lacks that a V8 context has. */
const REMOVED_GLOBALS = [
  'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'Symbol', 'Proxy', 'Reflect',
  'BigInt', 'BigInt64Array', 'BigUint64Array', 'Intl', 'escape', 'unescape', 'encodeURI', 'decodeURI',
  'SharedArrayBuffer', 'Atomics', 'WebAssembly', 'AggregateError', 'RangeError', 'EvalError', 'URIError',
  'queueMicrotask', 'structuredClone', 'TextEncoder', 'TextDecoder', 'console',
];

/**
 * Own string-keyed properties to keep, per built-in object ('%TypedArray%' is the shared parent of
 * the typed array classes). Names every object keeps regardless: see ALWAYS_KEPT.
 */
const KEPT_PROPERTIES = {
  'Object': ['assign', 'create', 'defineProperties', 'defineProperty', 'entries', 'fromEntries',
    'getOwnPropertyDescriptor', 'getOwnPropertyDescriptors', 'getOwnPropertyNames', 'getPrototypeOf', 'keys',
    'setPrototypeOf', 'values'],
  'Object.prototype': ['hasOwnProperty', '__proto__'],
  'Function.prototype': ['apply', 'bind', 'call'],
  'Array': ['isArray'],
  'Array.prototype': ['concat', 'every', 'fill', 'filter', 'find', 'findIndex', 'forEach', 'includes', 'indexOf',
    'join', 'map', 'pop', 'push', 'reduce', 'reverse', 'shift', 'slice', 'some', 'sort', 'splice', 'unshift'],
  'String': ['fromCharCode'],
  'String.prototype': ['charAt', 'charCodeAt', 'concat', 'endsWith', 'includes', 'indexOf', 'lastIndexOf', 'match',
    'padEnd', 'padStart', 'repeat', 'replace', 'replaceAll', 'slice', 'split', 'startsWith', 'substr', 'substring',
    'toLowerCase', 'toUpperCase', 'trim'],
  'Number': ['MAX_VALUE', 'MIN_VALUE', 'NEGATIVE_INFINITY', 'NaN', 'POSITIVE_INFINITY'],
  'Number.prototype': ['toFixed'],
  'Boolean.prototype': [],
  'Math': ['E', 'LN10', 'LN2', 'LOG10E', 'LOG2E', 'PI', 'SQRT1_2', 'SQRT2', 'abs', 'acos', 'asin', 'atan', 'atan2',
    'ceil', 'cos', 'exp', 'floor', 'log', 'max', 'min', 'pow', 'random', 'round', 'sign', 'sin', 'sqrt', 'tan'],
  'JSON': ['parse', 'stringify'],
  'Date': ['now', 'parse'],
  'Date.prototype': ['getDate', 'getDay', 'getFullYear', 'getHours', 'getMilliseconds', 'getMinutes', 'getMonth',
    'getSeconds', 'getTime', 'getTimezoneOffset', 'getUTCDate', 'getUTCDay', 'getUTCFullYear', 'getUTCHours',
    'getUTCMilliseconds', 'getUTCMinutes', 'getUTCMonth', 'getUTCSeconds', 'setDate', 'setFullYear', 'setHours',
    'setMilliseconds', 'setMinutes', 'setMonth', 'setSeconds', 'setTime', 'toISOString', 'toJSON', 'toUTCString'],
  'Promise': ['all', 'reject', 'resolve'],
  'Promise.prototype': ['catch', 'then'],
  'ArrayBuffer': [],
  'ArrayBuffer.prototype': ['byteLength'],
  '%TypedArray%': [],
  '%TypedArray%.prototype': ['buffer', 'byteLength', 'byteOffset', 'every', 'fill', 'filter', 'find', 'findIndex',
    'forEach', 'includes', 'indexOf', 'join', 'map', 'reduce', 'reverse', 'set', 'slice', 'some', 'sort', 'subarray'],
  'DataView.prototype': ['buffer', 'byteLength', 'byteOffset', 'getFloat32', 'getFloat64', 'getInt16', 'getInt32',
    'getInt8', 'getUint16', 'getUint32', 'getUint8', 'setFloat32', 'setFloat64', 'setInt16', 'setInt32', 'setInt8',
    'setUint16', 'setUint32', 'setUint8'],
};

/** Kept on every object above: the engine's own machinery reaches for them. */
const ALWAYS_KEPT = ['constructor', 'prototype', 'length', 'name', 'toString', 'valueOf', 'caller', 'arguments'];

/** Espruino's error classes (no RangeError, EvalError, URIError); InternalError is Espruino's own. */
const ERROR_CLASSES = ['Error', 'TypeError', 'SyntaxError', 'ReferenceError', 'InternalError'];

module.exports = { REMOVED_GLOBALS, KEPT_PROPERTIES, ALWAYS_KEPT, ERROR_CLASSES };
