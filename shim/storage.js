'use strict';
// require('Storage'): Espruino's flash file system, backed by a directory. The rules of
// src/jsflash.c and src/jswrap_storage.c are kept because code that works here must work on flash:
// - names are flat byte strings, silently cut to 28 bytes (Espruino does not throw);
// - a file has a fixed size; unwritten bytes read as 0xFF; writing at an offset only succeeds into
//   bytes still 0xFF ("File already written with different data" otherwise), and offset 0 starts a
//   new file unless the existing one has the same size and is still blank;
// - StorageFile (open()) data lives in chunk files named `name + "\x01"`, `"\x02"`, ... of
//   `storageFileChunkSize` bytes, flagged as StorageFile, and ends at the first 0xFF byte.
//
// On disk each file is `storageDir/<kind>~<escaped name>`; kind is `f` (plain) or `sf` (StorageFile
// chunk) and every byte outside [A-Za-z0-9._-] is written as %XX, so names with '/' round-trip.
const fs = require('node:fs');
const path = require('node:path');
const { stringToBytes, bytesToString, isArrayBuffer, isArrayBufferView, iterateBytes } = require('./binary');

const MAX_NAME_BYTES = 28;
const HEADER_BYTES = 32;
const ALIGNMENT = 4;
const ERASED = 0xff;
const KIND_PLAIN = 'f';
const KIND_STORAGE_FILE = 'sf';
/** Default flash size given to Storage (the shim's `storageSize` option). */
const DEFAULT_STORAGE_SIZE = 1024 * 1024;
/** 4096-byte flash page minus the 32-byte header, as on ESP32 (the Linux build uses 1024-byte pages). */
const DEFAULT_STORAGE_FILE_CHUNK_SIZE = 4096 - HEADER_BYTES;
const READ_BUFFER = 32;

function escapeName(nameBytes) {
  let out = '';
  for (const byte of nameBytes) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9._-]/.test(ch) ? ch : '%' + (byte < 16 ? '0' : '') + byte.toString(16).toUpperCase();
  }
  return out;
}

function unescapeName(escaped) {
  const bytes = [];
  for (let i = 0; i < escaped.length; i++) {
    if (escaped[i] === '%') {
      bytes.push(parseInt(escaped.substr(i + 1, 2), 16));
      i += 2;
    } else {
      bytes.push(escaped.charCodeAt(i));
    }
  }
  return Buffer.from(bytes);
}

/** A Storage name as flash stores it: its bytes, cut at a NUL and to 28 bytes. */
function nameBytesOf(name) {
  const bytes = stringToBytes(String(name));
  const nul = bytes.indexOf(0);
  const end = Math.min(nul >= 0 ? nul : bytes.length, MAX_NAME_BYTES);
  return bytes.subarray(0, end);
}

function alignedSize(size) {
  return Math.ceil(size / ALIGNMENT) * ALIGNMENT;
}

/**
 * @param {object} options
 * @param {string} options.storageDir
 * @param {number} [options.storageSize]
 * @param {number} [options.storageFileChunkSize]
 * @param {import('./realm').Realm} options.realm
 */
function createStorage(options) {
  const { storageDir, realm } = options;
  const storageSize = options.storageSize || DEFAULT_STORAGE_SIZE;
  const chunkSize = options.storageFileChunkSize || DEFAULT_STORAGE_FILE_CHUNK_SIZE;
  const { Error: ContextError, SyntaxError: ContextSyntaxError } = realm.intrinsics;
  fs.mkdirSync(storageDir, { recursive: true });

  // ---- the flash file layer ----

  function pathFor(kind, nameBytes) {
    return path.join(storageDir, kind + '~' + escapeName(nameBytes));
  }

  /** @returns {{kind: string, file: string, size: number}|null} */
  function findFile(nameBytes) {
    if (nameBytes.length === 0) return null;
    for (const kind of [KIND_PLAIN, KIND_STORAGE_FILE]) {
      const file = pathFor(kind, nameBytes);
      try {
        return { kind, file, size: fs.statSync(file).size };
      } catch (error) {
        if (error.code !== 'ENOENT') throw error;
      }
    }
    return null;
  }

  function allFiles() {
    const files = [];
    for (const entry of fs.readdirSync(storageDir).sort()) {
      const tilde = entry.indexOf('~');
      if (tilde < 0) continue;
      const kind = entry.slice(0, tilde);
      if (kind !== KIND_PLAIN && kind !== KIND_STORAGE_FILE) continue;
      const size = fs.statSync(path.join(storageDir, entry)).size;
      files.push({ kind, nameBytes: unescapeName(entry.slice(tilde + 1)), size });
    }
    return files;
  }

  function usedBytes() {
    let used = 0;
    for (const file of allFiles()) used += HEADER_BYTES + alignedSize(file.size);
    return used;
  }

  function createFile(nameBytes, size, kind) {
    if (nameBytes.length === 0 || usedBytes() + HEADER_BYTES + alignedSize(size) > storageSize) return null;
    const file = pathFor(kind, nameBytes);
    fs.writeFileSync(file, Buffer.alloc(size, ERASED));
    return { kind, file, size };
  }

  function isErased(bytes) {
    for (const byte of bytes) if (byte !== ERASED) return false;
    return true;
  }

  /** Espruino's jsfWriteFile. Returns true, or throws the board's error. */
  function writeFile(nameBytes, data, kind, offset, requestedSize) {
    if (offset < 0 || requestedSize < 0) return false;
    const size = requestedSize || data.length;
    if (!size) throw new ContextError("Can't create zero length file");
    let found = findFile(nameBytes);
    if (found && offset === 0) {
      const contents = fs.readFileSync(found.file);
      const sameShape = found.kind === kind && found.size === size;
      if (sameShape && data.length === size && contents.equals(data)) return true;
      if (!sameShape || !isErased(contents)) {
        fs.unlinkSync(found.file);
        found = null;
      }
    }
    if (!found && offset === 0) found = createFile(nameBytes, size, kind);
    if (!found) throw new ContextError('Unable to find or create file');
    if (offset + data.length > found.size) throw new ContextError('Too much data for file size');
    const contents = fs.readFileSync(found.file);
    if (!isErased(contents.subarray(offset, offset + data.length))) {
      throw new ContextError('File already written with different data');
    }
    data.copy(contents, offset);
    fs.writeFileSync(found.file, contents);
    return true;
  }

  function eraseFile(nameBytes) {
    const found = findFile(nameBytes);
    if (!found) return false;
    fs.unlinkSync(found.file);
    return true;
  }

  function dataBytes(data) {
    if (data === undefined) throw new ContextError("Can't get pointer to data to write");
    return Buffer.from(iterateBytes(data, (message) => new realm.intrinsics.TypeError(message)));
  }

  function isPlainObject(data) {
    return data !== null && typeof data === 'object' && !Array.isArray(data) &&
      !isArrayBuffer(data) && !isArrayBufferView(data);
  }

  // ---- StorageFile (open) ----

  function chunkName(nameBytes, chunk) {
    return Buffer.concat([nameBytes.subarray(0, MAX_NAME_BYTES - 1), Buffer.from([chunk])]);
  }

  function readChunk(nameBytes, chunk) {
    const found = findFile(chunkName(nameBytes, chunk));
    return found ? fs.readFileSync(found.file) : null;
  }

  /** Index of the first 0xFF (end of StorageFile data) in a chunk, or its length. */
  function dataEnd(contents) {
    const end = contents.indexOf(ERASED);
    return end < 0 ? contents.length : end;
  }

  const states = new WeakMap();
  const storageFilePrototype = realm.makeObject();

  function stateOf(file) {
    const state = states.get(file);
    if (!state) throw new realm.intrinsics.TypeError('Not a StorageFile');
    return state;
  }

  function readStorageFile(state, length) {
    let isReadLine = length < 0;
    if (state.mode !== 'r') throw new ContextError("Can't read in this mode");
    let contents = readChunk(state.nameBytes, state.chunk);
    if (!contents) return undefined;
    let offset = state.offset;
    let result = null;
    let wanted = isReadLine ? READ_BUFFER : length;
    while (wanted) {
      let remaining = contents.length - offset;
      if (remaining <= 0) {
        offset = 0;
        contents = state.chunk === 255 ? null : readChunk(state.nameBytes, ++state.chunk);
        state.offset = 0;
        if (!contents) return result === null ? undefined : bytesToString(Buffer.from(result));
        remaining = contents.length;
      }
      let take = Math.min(wanted, READ_BUFFER, remaining);
      for (let i = 0; i < take; i++) {
        const byte = contents[offset + i];
        if (byte === ERASED) { take = i; wanted = take; break; }
        if (isReadLine && byte === 0x0a) { take = i + 1; wanted = take; isReadLine = false; break; }
      }
      if (!take) break;
      if (result === null) result = [];
      for (let i = 0; i < take; i++) result.push(contents[offset + i]);
      wanted -= take;
      offset += take;
      if (isReadLine) wanted = READ_BUFFER;
    }
    state.offset = offset;
    return result === null ? undefined : bytesToString(Buffer.from(result));
  }

  function storageFileLength(state) {
    let length = 0;
    let chunk = 1;
    let contents = readChunk(state.nameBytes, chunk);
    while (contents && contents[contents.length - 1] !== ERASED && chunk < 255) {
      length += contents.length;
      contents = readChunk(state.nameBytes, ++chunk);
    }
    if (contents) length += dataEnd(contents);
    return length;
  }

  function flashWrite(nameBytes, offset, bytes) {
    const found = findFile(nameBytes);
    const contents = fs.readFileSync(found.file);
    bytes.copy(contents, offset);
    fs.writeFileSync(found.file, contents);
  }

  function writeStorageFile(state, data) {
    if (state.mode !== 'w' && state.mode !== 'a') throw new ContextError("Can't write in this mode");
    const bytes = stringToBytes(String(data));
    if (bytes.length === 0) return;
    const name = chunkName(state.nameBytes, state.chunk);
    const found = findFile(name);
    if (!found) {
      try {
        writeFile(name, bytes, KIND_STORAGE_FILE, 0, chunkSize);
        state.offset = bytes.length;
      } catch (error) {
        state.mode = 0;
        throw error;
      }
      return;
    }
    const remaining = found.size - state.offset;
    if (bytes.length < remaining) {
      flashWrite(name, state.offset, bytes);
      state.offset += bytes.length;
      return;
    }
    flashWrite(name, state.offset, bytes.subarray(0, remaining));
    state.offset += remaining;
    if (state.chunk === 255) throw new ContextError('File too big!');
    const nextChunk = state.chunk + 1;
    const rest = bytes.subarray(remaining);
    try {
      writeFile(chunkName(state.nameBytes, nextChunk), rest, KIND_STORAGE_FILE, 0, chunkSize);
      state.chunk = nextChunk;
      state.offset = rest.length;
    } catch (error) {
      state.mode = 0;
      throw error;
    }
  }

  function eraseStorageFile(state) {
    for (let chunk = 1; eraseFile(chunkName(state.nameBytes, chunk)); chunk++);
    state.chunk = 1;
    state.offset = 0;
    state.mode = 0;
  }

  function hide(target, name, value) {
    Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
  }
  hide(storageFilePrototype, 'read', function read(length) { return readStorageFile(stateOf(this), Math.max(0, length | 0)); });
  hide(storageFilePrototype, 'readLine', function readLine() { return readStorageFile(stateOf(this), -1); });
  hide(storageFilePrototype, 'getLength', function getLength() { return storageFileLength(stateOf(this)); });
  hide(storageFilePrototype, 'write', function write(data) { writeStorageFile(stateOf(this), data); });
  hide(storageFilePrototype, 'erase', function erase() { eraseStorageFile(stateOf(this)); });

  function open(name, mode) {
    if (mode !== 'r' && mode !== 'w' && mode !== 'a') {
      throw new ContextError('Invalid mode ' + JSON.stringify(mode));
    }
    const state = { nameBytes: nameBytesOf(String(name).substring(0, MAX_NAME_BYTES)), chunk: 1, offset: 0, mode };
    if (mode === 'w' && readChunk(state.nameBytes, 1)) eraseStorageFile(state);
    state.mode = mode;
    if (mode === 'a') {
      let contents = readChunk(state.nameBytes, state.chunk);
      while (contents && contents[contents.length - 1] !== ERASED && state.chunk < 255) {
        contents = readChunk(state.nameBytes, ++state.chunk);
      }
      if (contents) state.offset = dataEnd(contents);
    }
    const file = realm.intrinsics.Object.create(storageFilePrototype);
    states.set(file, state);
    return file;
  }

  // ---- the module object ----

  const api = {
    read(name, offset, length) {
      const found = findFile(nameBytesOf(name));
      if (!found) return undefined;
      let start = Math.max(0, offset | 0);
      let count = length | 0;
      if (count <= 0) count = found.size;
      if (start > found.size) start = found.size;
      if (start + count > found.size) count = found.size - start;
      if (count <= 0) return '';
      // Only the bytes asked for: servers read large files one slice at a time.
      const bytes = Buffer.alloc(count);
      const fd = fs.openSync(found.file, 'r');
      try {
        fs.readSync(fd, bytes, 0, count, start);
      } finally {
        fs.closeSync(fd);
      }
      return bytesToString(bytes);
    },
    readJSON(name, noExceptions) {
      const text = api.read(name);
      if (text === undefined) return undefined;
      try {
        return realm.intrinsics.JSON.parse(text);
      } catch (error) {
        if (noExceptions) return undefined;
        throw new ContextSyntaxError(String(error && error.message));
      }
    },
    readArrayBuffer(name) {
      const text = api.read(name);
      if (text === undefined) return undefined;
      const bytes = stringToBytes(text);
      const buffer = new realm.intrinsics.ArrayBuffer(bytes.length);
      new realm.intrinsics.Uint8Array(buffer).set(bytes);
      return buffer;
    },
    write(name, data, offset, size) {
      let bytes;
      if (isPlainObject(data)) {
        bytes = stringToBytes(realm.intrinsics.JSON.stringify(data));
        offset = 0;
        size = 0;
      } else {
        bytes = dataBytes(data);
      }
      return writeFile(nameBytesOf(name), bytes, KIND_PLAIN, offset | 0, size | 0);
    },
    writeJSON(name, data) {
      return writeFile(nameBytesOf(name), stringToBytes(String(realm.intrinsics.JSON.stringify(data))), KIND_PLAIN, 0, 0);
    },
    erase(name) {
      eraseFile(nameBytesOf(name));
    },
    eraseAll() {
      for (const file of allFiles()) eraseFile(file.nameBytes);
    },
    list(pattern, filter) {
      const names = realm.makeArray();
      for (const file of allFiles()) {
        if (filter && typeof filter === 'object' && 'sf' in filter) {
          if (Boolean(filter.sf) !== (file.kind === KIND_STORAGE_FILE)) continue;
        }
        const name = bytesToString(file.nameBytes);
        if (pattern !== undefined && !realm.intrinsics.String(name).match(pattern)) continue;
        names.push(name);
      }
      return names;
    },
    open,
    getFree() {
      return Math.max(0, storageSize - usedBytes());
    },
    getStats() {
      const files = allFiles();
      let fileBytes = 0;
      for (const file of files) fileBytes += HEADER_BYTES + alignedSize(file.size);
      return realm.adopt({
        totalBytes: storageSize, freeBytes: storageSize - fileBytes, fileBytes, fileCount: files.length,
        trashBytes: 0, trashCount: 0,
      });
    },
    compact() {},
    debug() {},
  };

  const storage = realm.makeObject();
  for (const key of Object.keys(api)) hide(storage, key, api[key]);
  return storage;
}

module.exports = { createStorage, DEFAULT_STORAGE_SIZE, DEFAULT_STORAGE_FILE_CHUNK_SIZE, MAX_NAME_BYTES };
