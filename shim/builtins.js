'use strict';
// The smaller Espruino globals: E, process, console/print, btoa/atob, url, and require('crypto').
const nodeCrypto = require('node:crypto');
const { argumentsToBytes, iterateBytes, stringToBytes, bytesToString } = require('./binary');
const { parseUrl } = require('./url');

/** Vars a string costs: Espruino packs about 12 characters into each 14-byte variable block. */
const CHARS_PER_VAR = 12;
/** Estimated vars in use by the interpreter itself and a small program. */
const BASE_USAGE = 300;
const VARS_PER_SOCKET = 20;
const VARS_PER_SERVER = 10;
const VARS_PER_TIMER = 6;
const VARS_PER_MODULE = 40;
const BLOCK_SIZE = 14;

/**
 * E.getSizeOf's estimate, in vars: 1 per primitive, object, array and function, plus 1 per property
 * name; a string costs max(1, ceil(length / 12)). Calibrated on the Linux build:
 * {a:"hello world",b:[1,2,3]} -> 8.
 */
function estimateSize(value, seen) {
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Math.max(1, Math.ceil(value.length / CHARS_PER_VAR));
  if (typeof value !== 'object' && typeof value !== 'function') return 1;
  if (seen.has(value)) return 0;
  seen.add(value);
  if (typeof value === 'function') return 1;
  if (ArrayBuffer.isView(value) || Object.prototype.toString.call(value) === '[object ArrayBuffer]') {
    return 1 + Math.ceil(value.byteLength / CHARS_PER_VAR);
  }
  let size = 1;
  for (const key of Object.keys(value)) {
    const item = value[key];
    const inline = item === null || item === undefined || typeof item === 'number' || typeof item === 'boolean';
    size += inline ? 1 : 1 + estimateSize(item, seen);
  }
  return size;
}

const CRC32_TABLE = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

/** @param {ArrayLike<number>} bytes @returns {number} unsigned CRC-32 (zlib's) */
function crc32(bytes) {
  let crc = -1;
  for (let i = 0; i < bytes.length; i++) crc = CRC32_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

/**
 * @param {object} options
 * @param {import('./realm').Realm} options.realm
 * @param {(line: string) => void} options.log
 * @param {number} options.variables total vars reported by process.memory()
 * @param {() => number|null} options.forcedFree value set by ctx.setFreeVars, or null
 * @param {() => {sockets: number, servers: number, timers: number, modules: number, bufferedBytes: number}} options.usage
 * @param {(path: string, mode: string) => any} options.openFile
 */
function createBuiltIns(options) {
  const { realm, log, variables, forcedFree, usage, openFile } = options;
  const { intrinsics } = realm;
  const makeTypeError = (message) => new intrinsics.TypeError(message);

  function toArrayBuffer(bytes) {
    const buffer = new intrinsics.ArrayBuffer(bytes.length);
    new intrinsics.Uint8Array(buffer).set(bytes);
    return buffer;
  }

  function formatValue(value) {
    if (typeof value === 'string') return value;
    if (value !== null && typeof value === 'object') {
      try {
        const json = intrinsics.JSON.stringify(value);
        if (json !== undefined) return json;
      } catch (error) {
        // cyclic structures: fall back to String() below
      }
    }
    return String(value);
  }

  function print() {
    const parts = [];
    for (let i = 0; i < arguments.length; i++) parts.push(formatValue(arguments[i]));
    log(parts.join(' '));
  }

  const E = {
    toString() {
      if (arguments.length === 1 && typeof arguments[0] === 'string') return arguments[0];
      return bytesToString(argumentsToBytes(arguments, makeTypeError));
    },
    toUint8Array() {
      const bytes = argumentsToBytes(arguments, makeTypeError);
      const array = new intrinsics.Uint8Array(bytes.length);
      array.set(bytes);
      return array;
    },
    toArrayBuffer(str) {
      return toArrayBuffer(stringToBytes(String(str)));
    },
    getSizeOf(value, depth) {
      if (depth > 0 && value !== null && typeof value === 'object') {
        return realm.adopt(Object.keys(value).map((name) => ({ name, size: estimateSize(value[name], new Set()) })));
      }
      return estimateSize(value, new Set());
    },
    openFile(path, mode) {
      return openFile(path, mode);
    },
    /**
     * src/jswrap_espruino.c: the zlib CRC-32 of every element as a byte, as an unsigned number;
     * undefined for a value that is not iterable (a number, undefined).
     */
    CRC32(data) {
      if (data === null || data === undefined || typeof data === 'number' || typeof data === 'boolean') return undefined;
      const bytes = data && typeof data === 'object' && !Array.isArray(data) && !ArrayBuffer.isView(data) &&
        Object.prototype.toString.call(data) === '[object Object]'
        ? Object.keys(data).map((key) => Number(data[key]) & 0xff)
        : iterateBytes(data, makeTypeError);
      return crc32(bytes);
    },
  };

  function memory(runGarbageCollection) {
    const counts = usage();
    const estimated = BASE_USAGE + VARS_PER_SOCKET * counts.sockets + VARS_PER_SERVER * counts.servers +
      VARS_PER_TIMER * counts.timers + VARS_PER_MODULE * counts.modules +
      Math.ceil(counts.bufferedBytes / CHARS_PER_VAR);
    const forced = forcedFree();
    const free = forced === null ? Math.max(0, variables - estimated) : forced;
    const result = { free, usage: variables - free, total: variables, history: 0 };
    // Espruino only reports the collection it ran: process.memory(false) has no gc/gctime.
    if (runGarbageCollection !== false) {
      result.gc = 0;
      result.gctime = 0;
    }
    result.blocksize = BLOCK_SIZE;
    return realm.adopt(result);
  }

  const process = realm.adopt({
    version: '2v29-shim',
    env: { VERSION: '2v29-shim', BOARD: 'NODE_SHIM', MODULES: 'Storage,fs,net,tls,crypto' },
  });
  Object.defineProperty(process, 'memory', { value: memory, writable: true, configurable: true });

  function digest(algorithm) {
    return function hash(message) {
      const bytes = Buffer.from(iterateBytes(message, makeTypeError));
      return toArrayBuffer(nodeCrypto.createHash(algorithm).update(bytes).digest());
    };
  }
  const crypto = {
    SHA1: digest('sha1'), SHA224: digest('sha224'), SHA256: digest('sha256'),
    SHA384: digest('sha384'), SHA512: digest('sha512'),
  };

  const globals = {
    print,
    btoa(data) {
      if (data === undefined) throw new intrinsics.Error('Expecting a string or array, got undefined');
      return Buffer.from(iterateBytes(data, makeTypeError)).toString('base64');
    },
    atob(base64) {
      if (typeof base64 !== 'string') throw new intrinsics.Error('Expecting a string, got ' + typeof base64);
      return Buffer.from(base64, 'base64').toString('latin1');
    },
    getTime() {
      return Date.now() / 1000;
    },
  };

  return {
    globals,
    E: toContextObject(realm, E),
    process,
    console: toContextObject(realm, { log: print }),
    url: toContextObject(realm, { parse: (s, query) => realm.adopt(parseUrl(s, query)) }),
    crypto: () => toContextObject(realm, crypto),
  };
}

/** A context object whose methods are non-enumerable, as Espruino's native methods are. */
function toContextObject(realm, methods) {
  const target = realm.makeObject();
  for (const key of Object.keys(methods)) {
    Object.defineProperty(target, key, { value: methods[key], writable: true, configurable: true });
  }
  return target;
}

module.exports = { createBuiltIns, estimateSize, toContextObject };
