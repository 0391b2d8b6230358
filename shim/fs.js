'use strict';
// require('fs') and E.openFile as Espruino's Linux build behaves (libs/filesystem/jswrap_fs.c,
// jswrap_file.c), checked against the real interpreter:
// - readFileSync of a missing file THROWS Error('Could not open file : UNKNOWN'); of a directory or
//   an empty file it returns undefined;
// - readdirSync of a missing path returns undefined, and includes '.' and '..' (POSIX readdir);
// - statSync returns {size, dir, mtime} (mtime in whole seconds) or undefined when missing;
// - writeFileSync/appendFileSync return true when bytes were written (false for empty data);
// - unlinkSync/mkdirSync return true or throw ('Unable to delete file : UNKNOWN', ...);
// - there is no existsSync; the async names are the same synchronous functions.
// Paths are relative to `fsRoot`, which plays the SD card: '/www/x' and 'www/x' are the same file.
const nodeFs = require('node:fs');
const path = require('node:path');
const { stringToBytes, bytesToString, iterateBytes } = require('./binary');

const ERROR_SUFFIX = ' : UNKNOWN';

/**
 * @param {object} options
 * @param {string} options.fsRoot
 * @param {import('./realm').Realm} options.realm
 */
function createFileSystem(options) {
  const { fsRoot, realm } = options;
  const { Error: ContextError, TypeError: ContextTypeError } = realm.intrinsics;

  function resolve(p) {
    if (p === undefined) return fsRoot;
    return path.join(fsRoot, String(p).replace(/^\/+/, ''));
  }

  function toBytes(data) {
    if (typeof data === 'string') return stringToBytes(data);
    return Buffer.from(iterateBytes(data, (message) => new ContextTypeError(message)));
  }

  // ---- File objects (E.openFile) ----

  const states = new WeakMap();
  const filePrototype = realm.makeObject();

  function stateOf(file) {
    const state = states.get(file);
    if (!state) throw new ContextTypeError('Not a File');
    return state;
  }

  const fileMethods = {
    read(length) {
      const state = stateOf(this);
      if (state.fd === null || state.mode !== 'r') return undefined;
      const buffer = Buffer.alloc(Math.max(0, Math.min(Number(length) || 0, 0x7fffffff, state.size)));
      const count = buffer.length ? nodeFs.readSync(state.fd, buffer, 0, buffer.length, state.position) : 0;
      state.position += count;
      return count ? bytesToString(buffer.subarray(0, count)) : undefined;
    },
    write(data) {
      const state = stateOf(this);
      if (state.fd === null || state.mode === 'r') return 0;
      const bytes = toBytes(data);
      const count = nodeFs.writeSync(state.fd, bytes, 0, bytes.length, state.mode === 'a' ? null : state.position);
      state.position += count;
      return count;
    },
    skip(count) {
      const state = stateOf(this);
      if (state.fd !== null) state.position += Number(count) || 0;
    },
    seek(position) {
      const state = stateOf(this);
      if (state.fd !== null) state.position = Number(position) || 0;
    },
    close() {
      const state = stateOf(this);
      if (state.fd !== null) nodeFs.closeSync(state.fd);
      state.fd = null;
    },
  };
  for (const name of Object.keys(fileMethods)) {
    Object.defineProperty(filePrototype, name, { value: fileMethods[name], writable: true, configurable: true });
  }

  /** Espruino's E.openFile(path, mode): a File, or throws when it cannot be opened. */
  function openFile(p, mode) {
    const flag = mode === undefined ? 'r' : String(mode);
    if (flag !== 'r' && flag !== 'w' && flag !== 'a') throw new ContextError('Invalid mode ' + JSON.stringify(flag));
    const file = resolve(p);
    let fd;
    try {
      fd = nodeFs.openSync(file, flag);
    } catch (error) {
      throw new ContextError('Could not open file' + ERROR_SUFFIX);
    }
    const size = nodeFs.fstatSync(fd).size;
    const state = { fd, mode: flag, position: 0, size: flag === 'r' ? size : Infinity };
    const handle = realm.intrinsics.Object.create(filePrototype);
    states.set(handle, state);
    return handle;
  }

  function readFileSync(p) {
    const file = resolve(p);
    let stat;
    try {
      stat = nodeFs.statSync(file);
    } catch (error) {
      throw new ContextError('Could not open file' + ERROR_SUFFIX);
    }
    if (stat.isDirectory()) return undefined;
    const bytes = nodeFs.readFileSync(file);
    return bytes.length ? bytesToString(bytes) : undefined;
  }

  function writeOrAppend(p, data, append) {
    if (data === undefined) return false;
    const bytes = toBytes(data);
    try {
      if (append) nodeFs.appendFileSync(resolve(p), bytes);
      else nodeFs.writeFileSync(resolve(p), bytes);
    } catch (error) {
      throw new ContextError('Could not open file' + ERROR_SUFFIX);
    }
    return bytes.length > 0;
  }

  function readdirSync(p) {
    let names;
    try {
      names = nodeFs.readdirSync(resolve(p));
    } catch (error) {
      return undefined;
    }
    return realm.adopt(names.sort().concat(['.', '..']));
  }

  function statSync(p) {
    let stat;
    try {
      stat = nodeFs.statSync(resolve(p));
    } catch (error) {
      return undefined;
    }
    return realm.adopt({
      size: stat.size,
      dir: stat.isDirectory(),
      mtime: new Date(Math.floor(stat.mtimeMs / 1000) * 1000),
    });
  }

  function unlinkSync(p) {
    try {
      const file = resolve(p);
      if (nodeFs.statSync(file).isDirectory()) nodeFs.rmdirSync(file);
      else nodeFs.unlinkSync(file);
    } catch (error) {
      throw new ContextError('Unable to delete file' + ERROR_SUFFIX);
    }
    return true;
  }

  function mkdirSync(p) {
    try {
      nodeFs.mkdirSync(resolve(p));
    } catch (error) {
      throw new ContextError('Unable to create the directory' + ERROR_SUFFIX);
    }
    return true;
  }

  const api = {
    readFileSync, readFile: readFileSync,
    writeFileSync: (p, data) => writeOrAppend(p, data, false),
    writeFile: (p, data) => writeOrAppend(p, data, false),
    appendFileSync: (p, data) => writeOrAppend(p, data, true),
    appendFile: (p, data) => writeOrAppend(p, data, true),
    readdirSync, readdir: readdirSync,
    statSync,
    unlinkSync, unlink: unlinkSync,
    mkdirSync, mkdir: mkdirSync,
    getFree: () => undefined,
  };
  const module = realm.makeObject();
  for (const name of Object.keys(api)) {
    Object.defineProperty(module, name, { value: api[name], writable: true, configurable: true });
  }
  return { module, openFile };
}

module.exports = { createFileSystem };
